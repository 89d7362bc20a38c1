"""Saved filters (C-12): named criteria per user and per module; a contacts filter is not offered on
accounts. Another user's filter is a 404, like a record one cannot see."""
import uuid

from carnet_common.errors import NotFound
from carnet_contacts import criteria, repository, usecases

MODULES = {"contacts": "contact", "accounts": "account"}


def filter_read(row):
    return {"id": row["id"], "module": row["module"], "name": row["name"], "criteria": row["criteria"],
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


def _record_type(module):
    if module not in MODULES:
        raise NotFound()
    return MODULES[module]


def _check(session, actor, module, tree, unreadable):
    """Compiled once on save, so a saved filter is valid when saved (fields may be deleted later)."""
    record_type = _record_type(module)
    ctx = usecases.criteria_context(session, actor=actor, record_type=record_type,
                                    scope=usecases.Scope(session, actor), unreadable=unreadable)
    criteria.compile_criteria(tree, ctx)


def list_filters(session, *, actor, module):
    _record_type(module)
    return [filter_read(r) for r in repository.saved_filter_rows(session, user_id=actor["user_id"], module=module)]


def create_filter(session, *, actor, module, data, unreadable=()):
    _check(session, actor, module, data["criteria"], unreadable)
    filter_id = str(uuid.uuid4())
    repository.insert(session, repository.saved_filters, {
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
        repository.update(session, repository.saved_filters, filter_id, {**data, "updated_at": repository.now()})
    return filter_read(_own(session, actor, module, filter_id))


def delete_filter(session, *, actor, module, filter_id):
    _own(session, actor, module, filter_id)
    repository.delete_saved_filter(session, filter_id)
