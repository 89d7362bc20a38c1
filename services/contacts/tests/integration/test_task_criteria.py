"""The task summaries fed by the opportunities service's task events, and the C-12 action criterion
"has a task of type … (status …)" that reads them (readmodels/usecases.py, records/repository/criteria.py
``task_action``).

Events are published on RabbitMQ as the opportunities service's relay does (``opportunities.task_*``) and
consumed by the contacts service running as a process; the criterion is asked over RPC like the gateway does.
"""
import json
import uuid

import pytest
import sqlalchemy as sa
from contacts_helpers import event_ids, expect, make_actor

from carnet_common.errors import Forbidden, InvalidInput
from carnet_common.events import make_envelope
from carnet_testing import eventually, handled, metric_value

HANDLER = "contacts.on_task_created"


@pytest.fixture
def org(rpc):
    admin = make_actor(is_admin=True, all_contacts=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})
    return {"admin": admin, "list": shared["id"], "org_id": admin["org_id"]}


def _task(org_id, *, type="call", status="todo", version=1, contact_id=None, account_id=None, task_id=None):
    """The data of ``opportunities.task_*`` as the opportunities service publishes it."""
    return {"id": task_id or str(uuid.uuid4()), "org_id": org_id, "type": type, "status": status,
            "assignee_id": str(uuid.uuid4()), "contact_id": contact_id, "account_id": account_id,
            "opportunity_id": None, "version": version, "actor_id": str(uuid.uuid4())}


def _send(dispatch, event_type, data):
    envelope = make_envelope(data)
    dispatch("opportunities", event_type, envelope)
    return envelope


def _summary(engine, task_id):
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT type, status, version, deleted, contact_id, account_id "
                                   "FROM contacts.task_summaries WHERE id = :id"), {"id": task_id}).mappings().first()
    return dict(row) if row else None


def _inbox_handlers(engine, envelope):
    """The handlers that recorded ``envelope`` in the inbox (committed with the event's effect, if any)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT handler FROM contacts.inbox WHERE event_id = CAST(:id AS uuid)"),
                            {"id": envelope["event_id"]})
        return [row[0] for row in rows]


def _duplicates(metrics_address):
    return metric_value(metrics_address, "carnet_events_duplicate_total", service="contacts", handler=HANDLER)


def _found(rpc, actor, *items, record_type="contact", unreadable=()):
    search = rpc.search_contacts if record_type == "contact" else rpc.search_accounts
    tree = items[0] if len(items) == 1 else {"op": "and", "items": list(items)}
    page = search(actor, {"criteria": json.dumps(tree), "per_page": 100}, list(unreadable))
    return {record["id"] for record in page["items"]}


def test_events_keep_the_newest_state_of_each_task(rpc, org, dispatch, engine):
    contact = rpc.create_contact(org["admin"], {"last_name": "Roy", "list_ids": [org["list"]]})
    data = _task(org["org_id"], contact_id=contact["id"])
    _send(dispatch, "task_created", data)
    assert eventually(lambda: _summary(engine, data["id"]), what="the task's summary") == {
        "type": "call", "status": "todo", "version": 1, "deleted": False, "contact_id": contact["id"],
        "account_id": None}
    newest = _send(dispatch, "task_updated", {**data, "status": "done", "version": 3})
    handled(engine, "contacts", event_ids(newest))
    stale = _send(dispatch, "task_updated", {**data, "type": "email", "status": "in_progress", "version": 2})
    handled(engine, "contacts", event_ids(stale))
    assert _summary(engine, data["id"])["status"] == "done" and _summary(engine, data["id"])["type"] == "call"
    done = {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "done"}}
    assert _found(rpc, org["admin"], done) == {contact["id"]}


def test_the_same_event_delivered_twice_is_applied_once(rpc, org, dispatch, engine, metrics_address):
    contact = rpc.create_contact(org["admin"], {"last_name": "Roy", "list_ids": [org["list"]]})
    data = _task(org["org_id"], type="meeting", contact_id=contact["id"])
    before = _duplicates(metrics_address)
    envelope = _send(dispatch, "task_created", data)
    dispatch("opportunities", "task_created", envelope)  # redelivered, as after a crash before the ack
    eventually(lambda: _duplicates(metrics_address), lambda count: count > before,
               what="the second delivery counted as a duplicate")
    assert _inbox_handlers(engine, envelope) == [HANDLER]
    assert _summary(engine, data["id"])["version"] == 1
    assert _found(rpc, org["admin"], {"field": "task.type", "cmp": "eq", "value": "meeting"}) == {contact["id"]}


def test_a_tombstone_beats_a_late_update_in_either_order(rpc, org, dispatch, engine):
    contact = rpc.create_contact(org["admin"], {"last_name": "Roy", "list_ids": [org["list"]]})
    data = _task(org["org_id"], type="note", contact_id=contact["id"])
    handled(engine, "contacts", event_ids(_send(dispatch, "task_created", data)))
    note = {"field": "task.type", "cmp": "eq", "value": "note"}
    assert _found(rpc, org["admin"], note) == {contact["id"]}
    updated = {**data, "status": "in_progress", "version": 2}
    # the delete carries the last version … and overtook the update
    handled(engine, "contacts", event_ids(_send(dispatch, "task_deleted", updated)))
    handled(engine, "contacts", event_ids(_send(dispatch, "task_updated", updated)))
    assert _summary(engine, data["id"])["deleted"] is True
    assert _found(rpc, org["admin"], note) == set()

    # a delete delivered before the creation of the same task
    early = _task(org["org_id"], type="note", contact_id=contact["id"])
    handled(engine, "contacts", event_ids(_send(dispatch, "task_deleted", early)))
    handled(engine, "contacts", event_ids(_send(dispatch, "task_created", early)))
    assert _summary(engine, early["id"])["deleted"] is True
    assert _found(rpc, org["admin"], note) == set()


@pytest.fixture
def tasks_world(rpc, org, dispatch, engine):
    """Account A with contacts c1, c2; c3 without account; c4 without tasks; account B without tasks.
    c1: call/todo and meeting/done; c2: call/done; account A alone: note/todo; c3: email/in_progress in the
    organization, and another organization's task naming c3."""
    admin, lists = org["admin"], [org["list"]]
    a = rpc.create_account(admin, {"name": "A", "list_ids": lists})
    b = rpc.create_account(admin, {"name": "B", "list_ids": lists})
    c1, c2 = (rpc.create_account_contact(admin, a["id"], {"last_name": name}) for name in ("Un", "Deux"))
    c3, c4 = (rpc.create_contact(admin, {"last_name": name, "list_ids": lists}) for name in ("Trois", "Quatre"))
    org_id = org["org_id"]
    sent = [_send(dispatch, "task_created", data) for data in (
        _task(org_id, type="call", status="todo", contact_id=c1["id"], account_id=a["id"]),
        _task(org_id, type="meeting", status="done", contact_id=c1["id"], account_id=a["id"]),
        _task(org_id, type="call", status="done", contact_id=c2["id"], account_id=a["id"]),
        _task(org_id, type="note", status="todo", account_id=a["id"]),
        _task(org_id, type="email", status="in_progress", contact_id=c3["id"]),
        _task(str(uuid.uuid4()), type="todo", status="todo", contact_id=c3["id"]))]
    handled(engine, "contacts", event_ids(*sent))
    return {"a": a["id"], "b": b["id"], "c1": c1["id"], "c2": c2["id"], "c3": c3["id"], "c4": c4["id"]}


def test_has_a_task_of_type_and_status_on_the_same_task(rpc, org, tasks_world):
    w, admin = tasks_world, org["admin"]
    assert _found(rpc, admin, {"field": "task.type", "cmp": "eq", "value": "call"}) == {w["c1"], w["c2"]}
    assert _found(rpc, admin, {"field": "task.type", "cmp": "eq", "value": "call"},
                  {"field": "task.status", "cmp": "eq", "value": "done"}) == {w["c1"], w["c2"]}
    # the same task: c1's call is still to do, its done task is a meeting
    same = {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "done"}}
    assert _found(rpc, admin, same) == {w["c2"]}
    assert _found(rpc, admin, {"field": "task", "cmp": "eq", "value": {"status": "in_progress"}}) == {w["c3"]}
    assert _found(rpc, admin, {"field": "task", "cmp": "ne", "value": {"type": "call", "status": "done"}}) == {
        w["c1"], w["c3"], w["c4"]}


def test_ne_empty_and_not_empty_and_other_organizations(rpc, org, tasks_world):
    w, admin = tasks_world, org["admin"]
    assert _found(rpc, admin, {"field": "task.type", "cmp": "ne", "value": "call"}) == {w["c3"], w["c4"]}
    assert _found(rpc, admin, {"field": "task", "cmp": "empty"}) == {w["c4"]}
    assert _found(rpc, admin, {"field": "task.status", "cmp": "not_empty"}) == {w["c1"], w["c2"], w["c3"]}
    # another organization's task naming c3 is not c3's
    assert _found(rpc, admin, {"field": "task.type", "cmp": "eq", "value": "todo"}) == set()


def test_contacts_do_not_inherit_their_accounts_tasks_but_may_ask_for_them(rpc, org, tasks_world):
    w, admin = tasks_world, org["admin"]
    note = {"field": "task.type", "cmp": "eq", "value": "note"}
    assert _found(rpc, admin, note) == set()
    assert _found(rpc, admin, note, record_type="account") == {w["a"]}
    assert _found(rpc, admin, {"field": "account.task.type", "cmp": "eq", "value": "note"}) == {w["c1"], w["c2"]}
    assert _found(rpc, admin, {"field": "task", "cmp": "empty"}, record_type="account") == {w["b"]}
    assert _found(rpc, admin, {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "todo"}},
                  record_type="account") == {w["a"]}


def test_saved_filter_with_a_task_criterion(rpc, org, tasks_world):
    w, admin = tasks_world, org["admin"]
    saved = rpc.create_filter(admin, "contacts", {"name": "Appels faits", "criteria": {
        "field": "task", "cmp": "eq", "value": {"type": "call", "status": "done"}}})
    page = rpc.search_contacts(admin, {"filter_id": saved["id"]})
    assert [c["id"] for c in page["items"]] == [w["c2"]]


@pytest.mark.parametrize("leaf, errors", [
    ({"field": "task.type", "cmp": "eq", "value": "fax"}, {"criteria.items.1.value": ["task_type_unknown"]}),
    ({"field": "task.status", "cmp": "eq", "value": "blocked"},
     {"criteria.items.1.value": ["task_status_unknown"]}),
    ({"field": "task.type", "cmp": "eq", "value": 3}, {"criteria.items.1.value": ["task_type_unknown"]}),
    ({"field": "task", "cmp": "eq", "value": {"type": "call", "status": "later", "due": "x"}},
     {"criteria.items.1.value.status": ["task_status_unknown"], "criteria.items.1.value.due": ["Unknown field."]}),
    ({"field": "task", "cmp": "eq", "value": "call"}, {"criteria.items.1.value": ["criteria_task_expected"]}),
    ({"field": "task", "cmp": "eq", "value": {}}, {"criteria.items.1.value": ["criteria_task_expected"]}),
    ({"field": "task.type", "cmp": "gt", "value": "call"}, {"criteria.items.1.cmp": ["criteria_cmp_not_for_field"]}),
    ({"field": "task.type", "cmp": "empty", "value": "call"}, {"criteria.items.1.value": ["criteria_no_value"]}),
    ({"field": "task.kind", "cmp": "eq", "value": "call"}, {"criteria.items.1.field": ["criteria_unknown_field"]}),
])
def test_bad_task_criteria_are_invalid_naming_their_path(rpc, org, leaf, errors):
    tree = {"op": "and", "items": [{"field": "last_name", "cmp": "not_empty"}, leaf]}
    with expect(InvalidInput) as info:
        rpc.search_contacts(org["admin"], {"criteria": json.dumps(tree)})
    assert info.value.errors == errors
    with expect(InvalidInput):  # nor saved
        rpc.create_filter(org["admin"], "contacts", {"name": "x", "criteria": tree})


def test_task_criteria_need_the_tasks_read_permission_and_sort_on_nothing(rpc, org):
    admin, leaf = org["admin"], {"field": "task", "cmp": "eq", "value": {"type": "call"}}
    with expect(Forbidden, code="field_not_readable") as info:
        _found(rpc, admin, leaf, unreadable=["tasks"])
    assert info.value.errors == {"criteria.field": ["field_not_readable"]}
    with expect(Forbidden):  # the field permission of a compared attribute
        _found(rpc, admin, {"field": "task.status", "cmp": "eq", "value": "done"}, unreadable=["tasks.status"])
    assert _found(rpc, admin, {"field": "task.type", "cmp": "eq", "value": "call"},
                  unreadable=["opportunities"]) == set()
    with expect(InvalidInput) as info:
        rpc.search_contacts(admin, {"sort": "task.type"})
    assert "sort" in info.value.errors
