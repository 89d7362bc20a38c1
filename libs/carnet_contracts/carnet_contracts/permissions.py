"""S-3, the one place that says what a role's permissions allow: a module action, reading or writing a field of a
record (``title``, ``custom.size``), and what that means for a record shown, written or searched. The gateway
filters every response and checks every body and query with these functions (contacts and accounts through
``carnet_gateway.records``, opportunities and tasks in their routes), and a service checks a queued job's authority
with them (``carnet_contracts.authority``).

The principal is identity's ``get_principal``: ``permissions`` holds ``modules`` (``{"contacts": {"read": true}}``),
``fields`` (``{"contacts.title": {"read": true, "write": false}}``) and ``special`` entries. The document is an
allow-list: a module action is granted only when set true (an administrator's principal grants every one); a field
without an entry follows its module, an entry narrows it and never widens it; ``read: false`` hides the field.
"""
from carnet_common.errors import Forbidden


def _permissions(principal):
    return principal.get("permissions") or {}


def may(principal, module, action):
    """Does the role allow ``action`` (read/write/delete/export) on ``module``?"""
    return bool((_permissions(principal).get("modules") or {}).get(module, {}).get(action))


def may_field(principal, module, field, action):
    """May this user ``action`` (read/write) ``field`` of ``module``? (S-3; allow-list of fields)."""
    if not may(principal, module, "read" if action == "read" else "write"):
        return False
    entry = (_permissions(principal).get("fields") or {}).get(f"{module}.{field}")
    return True if entry is None else bool(entry.get(action))


def may_read(principal, module, field):
    """``field`` of ``module`` (``title``, ``custom.size``) is readable."""
    return may_field(principal, module, field, "read")


def readable_custom(principal, module, custom):
    """``custom`` values without those of fields the role may not read (``<module>.custom.<key>``, S-3, C-14)."""
    return {key: value for key, value in (custom or {}).items()
            if may_field(principal, module, f"custom.{key}", "read")}


def refuse_unwritable(principal, module, names):
    """403 naming the first of ``names`` (``title``, ``custom.size``) the role may not write (S-3)."""
    for name in names:
        if not may_field(principal, module, name, "write"):
            raise Forbidden("field_not_writable", errors={name: ["field_not_writable"]}, params={"field": name})


def denied_custom(principal, module):
    """Keys of ``module``'s custom fields the role may not read: exports leave their columns out."""
    prefix = f"{module}.custom."
    return sorted(key[len(prefix):] for key, entry in (_permissions(principal).get("fields") or {}).items()
                  if key.startswith(prefix) and not (entry or {}).get("read"))
