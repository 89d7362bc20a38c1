"""Customization use cases: custom fields of contacts and accounts (C-14), saved filters (C-12), list layouts
and each user's sort (C-15). Each function runs inside the caller's transaction.

- Custom fields: the administration rules (S-9: administrators only) are shared with the opportunities service
  (``carnet_custom_fields.admin``) and run here over this service's definitions, of contacts and accounts only;
  the typed validation of the values records carry is ``carnet_custom_fields.values``.
- Saved filters: named criteria per user and per module; a contacts filter is not offered on accounts, and
  another user's filter is a 404, like a record one cannot see. A filter is compiled when saved, so it is valid
  when saved (its fields may be deleted later: the search then says so).
- Layouts: the organization's columns per module, each a stack of fields whose first is the column's title;
  administrators write them, everyone reads them, with the caller's remembered sort.
"""
import uuid

from carnet_common.errors import Forbidden, InvalidInput, NotFound
from carnet_contacts.customization import repository
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import repository as records_repository
from carnet_contacts.records import usecases as record_usecases
from carnet_contacts.records.repository import criteria
from carnet_custom_fields import values as custom_values
from carnet_custom_fields.admin import CustomFieldAdmin

RECORD_TYPES = {"contacts": "contact", "accounts": "account"}
# C-14, A-7: with Acomba the accounts module keeps 5 fields for accounting; enforced by the accounting issue.
MAX_ACCOUNTS_WITH_ACOMBA = 65

# Administration (S-9: administrators only): the rules shared with opportunities over this service's tables.
ADMIN = CustomFieldAdmin(modules=tuple(RECORD_TYPES), rows=repository.custom_field_rows,
                         lock=repository.lock_custom_fields, insert=repository.insert_custom_field,
                         update=repository.update_custom_field, delete=repository.delete_custom_field,
                         now=records_repository.now)


def _record_type(module):
    if module not in RECORD_TYPES:
        raise NotFound()
    return RECORD_TYPES[module]


# Saved filters (C-12) -------------------------------------------------------------------------------------

def filter_read(row):
    return {"id": row["id"], "module": row["module"], "name": row["name"], "criteria": row["criteria"],
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


def _check(session, actor, module, tree, unreadable):
    """Compiled once on save, so a saved filter is valid when saved (fields may be deleted later)."""
    record_type = _record_type(module)
    ctx = record_usecases.criteria_context(session, actor=actor, record_type=record_type,
                                           scope=Scope(session, actor), unreadable=unreadable)
    criteria.compile_criteria(tree, ctx)


def list_filters(session, *, actor, module):
    _record_type(module)
    return [filter_read(r) for r in repository.saved_filter_rows(session, user_id=actor["user_id"], module=module)]


def create_filter(session, *, actor, module, data, unreadable=()):
    _check(session, actor, module, data["criteria"], unreadable)
    filter_id = str(uuid.uuid4())
    repository.insert_saved_filter(session, {
        "id": filter_id, "org_id": actor["org_id"], "user_id": actor["user_id"], "module": module,
        "name": data["name"], "criteria": data["criteria"]})
    return filter_read(repository.get_saved_filter(session, user_id=actor["user_id"], module=module,
                                                   filter_id=filter_id))


def _own(session, actor, module, filter_id):
    _record_type(module)
    row = repository.get_saved_filter(session, user_id=actor["user_id"], module=module, filter_id=filter_id)
    if row is None:
        raise NotFound()
    return row


def update_filter(session, *, actor, module, filter_id, data, unreadable=()):
    _own(session, actor, module, filter_id)
    if "criteria" in data:
        _check(session, actor, module, data["criteria"], unreadable)
    if data:
        repository.update_saved_filter(session, filter_id, data)
    return filter_read(_own(session, actor, module, filter_id))


def delete_filter(session, *, actor, module, filter_id):
    _own(session, actor, module, filter_id)
    repository.delete_saved_filter(session, filter_id)


# Layouts (C-15) -------------------------------------------------------------------------------------------

# Read-only fields a column may show beside the filterable ones.
EXTRA = {"contact": ("account_name",), "account": ()}
DEFAULTS = {
    "contacts": [["last_name", "first_name"], ["account_name"], ["email", "phone"], ["city"]],
    "accounts": [["name"], ["city"], ["phone"], ["email"]],
}


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
