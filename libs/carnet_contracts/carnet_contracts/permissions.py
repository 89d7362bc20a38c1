"""S-3, the one place that says what a role's permissions allow: a module action, reading or writing a field of a
record (``title``, ``custom.size``), and what that means for a record shown, written or searched. The gateway
filters every response and checks every body and query with these functions (contacts and accounts through
``carnet_gateway.records``, opportunities and tasks in their routes), and a service checks a queued job's authority
with them (``carnet_contracts.authority``).

The principal is identity's ``get_principal``: ``permissions`` holds ``modules`` (``{"contacts": {"read": true}}``),
``fields`` (``{"contacts.title": {"read": true, "write": false}}``) and ``special`` entries. The document is an
allow-list: a module action is granted only when set true (an administrator's principal grants every one); a field
without an entry follows its module, an entry narrows it and never widens it; ``read: false`` hides the field.

A value that shows or makes another field is tied to it (``READ_TIES``, ``WRITE_TIES``): an opportunity's
``probability`` is its stage's, its ``total`` the sum of its ``lines``, its ``contact_name`` the contact's first and
last name or email; it is readable only when what it reveals is, written only when what it changes may be.
"""
from carnet_common.errors import Forbidden

# key -> the other keys its value reveals (read) or changes (write); a key is granted only with all of them.
READ_TIES = {
    "opportunities.stage_id": ("opportunities.probability",),
    "opportunities.probability": ("opportunities.stage_id",),
    "opportunities.substage_id": ("opportunities.stage_id", "opportunities.probability"),
    "opportunities.lines": ("opportunities.total",),
    "opportunities.total": ("opportunities.lines",),
    "opportunities.read_only": ("opportunities.source",),
    "opportunities.account_name": ("accounts.name",),
    "opportunities.contact_name": ("contacts.first_name", "contacts.last_name", "contacts.email"),
}
WRITE_TIES = {
    "opportunities.stage_id": ("opportunities.probability",),
    "opportunities.lines": ("opportunities.total",),
}


def _permissions(principal):
    return principal.get("permissions") or {}


def may(principal, module, action):
    """Does the role allow ``action`` (read/write/delete/export) on ``module``?"""
    return bool((_permissions(principal).get("modules") or {}).get(module, {}).get(action))


def _granted(principal, key, action):
    """The module of ``key`` (``contacts.title``) allows ``action``, and the key's entry, if any, does too."""
    module = key.split(".", 1)[0]
    if not may(principal, module, "read" if action == "read" else "write"):
        return False
    entry = (_permissions(principal).get("fields") or {}).get(key)
    return True if entry is None else bool(entry.get(action))


def may_field(principal, module, field, action):
    """May this user ``action`` (read/write) ``field`` of ``module``? (S-3; allow-list of fields, with the fields
    its value is tied to)."""
    key = f"{module}.{field}"
    ties = (READ_TIES if action == "read" else WRITE_TIES).get(key, ())
    return _granted(principal, key, action) and all(_granted(principal, tied, action) for tied in ties)


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


# What a record shows, and what a query may ask -----------------------------------------------------------------

def readable(principal, module, item, fields, *, always=()):
    """``item`` with only the keys of ``fields`` (its read schema's: an allow-list, unknown keys go too) the role may
    read, ``always`` ones whatever the role (ids, versions, dates); ``custom`` values narrowed key by key."""
    result = {key: value for key, value in item.items()
              if key in fields and (key in always or may_field(principal, module, key, "read"))}
    if isinstance(result.get("custom"), dict):
        result["custom"] = readable_custom(principal, module, result["custom"])
    return result


def readable_names(principal, module, names):
    """Those of ``names`` the role may read, in their order (an export's columns)."""
    return [name for name in names if may_field(principal, module, name, "read")]


def refuse_unreadable(principal, module, asked):
    """403 naming the field when a query parameter of ``asked`` (``{parameter: (fields it selects on…)}``) reads a
    field the role may not read: its answers would reveal the field's values (S-3, as contacts' criteria)."""
    for parameter, names in asked.items():
        for name in names:
            if not may_field(principal, module, name, "read"):
                raise Forbidden("field_not_readable", errors={parameter: ["field_not_readable"]},
                                params={"field": name})


def field_names(values):
    """The readable field names a service is passed (``readable_names``, over RPC), strings only; None (every field)
    when none were passed."""
    if values is None:
        return None
    return sorted({v for v in values if isinstance(v, str)}) if isinstance(values, (list, tuple)) else []
