"""Role permissions (S-3): per module, per field, and special entries. Pure logic, no I/O.

The stored document has the shape of docs/rules/http-api.md ``GET /roles/{id}/permissions``. It is an allow-list:
a module action is allowed only when set to true. A field entry narrows its module: a field without an
entry follows its module (so a new custom field is visible to roles that read the module), an entry with
``read: false`` hides it (S-3: hiding a field = no read), ``write: false`` makes it read-only.
"""
from carnet_contracts.identity import FIELD_ACTIONS, MODULE_ACTIONS, MODULES, SPECIAL

FIELD_MODULES = ("contacts", "accounts", "opportunities", "tasks")


def empty_permissions():
    return {
        "modules": {module: {action: False for action in MODULE_ACTIONS} for module in MODULES},
        "fields": {},
        "special": {name: {action: False for action in actions} for name, actions in SPECIAL.items()},
    }


def default_role_permissions():
    """What a new role may do until an administrator says otherwise: read and write the CRM records,
    no deletes, no export, no settings."""
    perms = empty_permissions()
    for module in ("contacts", "accounts", "opportunities", "tasks", "dashboard"):
        perms["modules"][module]["read"] = True
    for module in ("contacts", "accounts", "opportunities", "tasks"):
        perms["modules"][module]["write"] = True
    perms["special"]["primary_contact"]["read"] = True
    return perms


def normalise(document):
    """A complete document from a validated (possibly partial) one: missing entries are false."""
    perms = empty_permissions()
    for module, actions in (document.get("modules") or {}).items():
        perms["modules"][module].update({a: bool(v) for a, v in actions.items()})
    for key, actions in (document.get("fields") or {}).items():
        perms["fields"][key] = {action: bool(actions.get(action, True)) for action in FIELD_ACTIONS}
        if not perms["fields"][key]["read"]:
            perms["fields"][key]["write"] = False
    for name, actions in (document.get("special") or {}).items():
        perms["special"][name].update({a: bool(v) for a, v in actions.items()})
    return perms


def all_permissions():
    """An administrator's effective permissions (S-9): everything."""
    perms = empty_permissions()
    for module in MODULES:
        perms["modules"][module] = {action: True for action in MODULE_ACTIONS}
    for name, actions in SPECIAL.items():
        perms["special"][name] = {action: True for action in actions}
    return perms
