"""List layouts (C-15): the organization's columns per module, each a stack of fields whose first is the
column's title; administrators write them, everyone reads them, with the caller's remembered sort."""
from carnet_common.errors import Forbidden, InvalidInput, NotFound
from carnet_contacts import criteria, repository
from carnet_custom_fields import values as custom_values

MODULES = {"contacts": "contact", "accounts": "account"}
# Read-only fields a column may show beside the filterable ones.
EXTRA = {"contact": ("account_name",), "account": ()}
DEFAULTS = {
    "contacts": [["last_name", "first_name"], ["account_name"], ["email", "phone"], ["city"]],
    "accounts": [["name"], ["city"], ["phone"], ["email"]],
}


def _record_type(module):
    if module not in MODULES:
        raise NotFound()
    return MODULES[module]


def get_layout(session, *, actor, module):
    """Hidden custom fields are left out for non-administrators (the gateway drops unreadable ones)."""
    _record_type(module)
    columns = repository.get_layout(session, org_id=actor["org_id"], module=module) or DEFAULTS[module]
    if not actor["is_admin"]:
        definitions = repository.custom_field_rows_by_module(session, org_id=actor["org_id"],
                                                             modules=[module])[module]
        shown = custom_values.visible_values(definitions, dict.fromkeys(definitions, 1))
        columns = [[f for f in column if not f.startswith("custom.") or f[len("custom."):] in shown]
                   for column in columns]
        columns = [column for column in columns if column]
    return {"module": module, "columns": columns,
            "sort": repository.get_user_sort(session, user_id=actor["user_id"], module=module)}


def put_layout(session, *, actor, module, data):
    if not actor["is_admin"]:
        raise Forbidden("admin_only")
    record_type = _record_type(module)
    definitions = repository.custom_field_rows_by_module(session, org_id=actor["org_id"], modules=[module])[module]
    known = set(criteria.STANDARD[record_type]) | set(EXTRA[record_type]) | {f"custom.{k}" for k in definitions}
    errors = {f"columns.{i}.{j}": ["layout_unknown_field"]
              for i, column in enumerate(data["columns"]) for j, name in enumerate(column) if name not in known}
    if errors:
        raise InvalidInput(errors=errors)
    repository.put_layout(session, org_id=actor["org_id"], module=module, columns=data["columns"])
    return get_layout(session, actor=actor, module=module)
