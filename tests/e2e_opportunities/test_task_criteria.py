"""C-12 "has a task of type … (status …)" end to end: tasks made through /api/v1/tasks reach the contacts
service as events (opportunities.task_*), and /contacts and /accounts filter on them; permissions from a
second user."""
import json

from conftest import add_member, assert_problem, eventually, ok

from carnet_contacts.records.repository.criteria import TASK_VALUES
from carnet_opportunities.tasks.contracts import STATUSES, TYPES


def _world(admin, org):
    account = ok(admin.post("/accounts", json={"name": "Bois Tremblay", "list_ids": [org["shared"]]}), 201)
    contact, colleague = (ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": name}), 201)
                          for name in ("Roy", "Gagnon"))
    return account, contact, colleague


def _create_task(client, body):
    """POST /tasks at once: a contact or account the read model has not heard of yet is confirmed at the source
    (issue 10 §3)."""
    return ok(client.post("/tasks", json=body), 201)


def _criteria(*items):
    return {"criteria": json.dumps(items[0] if len(items) == 1 else {"op": "and", "items": list(items)})}


def _ids(client, module, *items):
    return {record["id"] for record in ok(client.get(f"/{module}", params=_criteria(*items)))["items"]}


def test_the_criterion_knows_the_task_types_and_statuses_of_the_opportunities_service():
    assert TASK_VALUES["type"][0] == TYPES and TASK_VALUES["status"][0] == STATUSES


def test_contacts_and_accounts_filtered_by_their_tasks_follow_every_change(org):
    admin = org["admin"]
    account, contact, colleague = _world(admin, org)
    call = _create_task(admin, {"type": "call", "title": "Rappeler", "contact_id": contact["id"],
                                "account_id": account["id"]})
    _create_task(admin, {"type": "meeting", "title": "Visite", "account_id": account["id"]})
    call_todo = {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "todo"}}
    call_done = {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "done"}}
    eventually(lambda: _ids(admin, "contacts", call_todo), lambda ids: ids == {contact["id"]})
    assert _ids(admin, "contacts", call_done) == set()

    ok(admin.patch(f"/tasks/{call['id']}", json={"status": "done"}))  # moved on the board (T-2)
    eventually(lambda: _ids(admin, "contacts", call_done), lambda ids: ids == {contact["id"]})
    assert _ids(admin, "contacts", call_todo) == set()

    # the account has its own tasks; its contacts do not inherit them unless asked through account.task
    meeting = {"field": "task.type", "cmp": "eq", "value": "meeting"}
    eventually(lambda: _ids(admin, "accounts", meeting), lambda ids: ids == {account["id"]})
    assert _ids(admin, "contacts", meeting) == set()
    assert _ids(admin, "contacts", {"field": "account.task.type", "cmp": "eq", "value": "meeting"}) == {
        contact["id"], colleague["id"]}
    assert colleague["id"] in _ids(admin, "contacts", {"field": "task", "cmp": "empty"})

    ok(admin.delete(f"/tasks/{call['id']}"), 204)
    eventually(lambda: _ids(admin, "contacts", {"field": "task.type", "cmp": "eq", "value": "call"}),
               lambda ids: ids == set())


def test_bad_task_criteria_are_422_naming_the_path_in_the_callers_language(org):
    admin = org["admin"]
    admin.language = "fr"
    body = assert_problem(admin.get("/contacts", params=_criteria(
        {"field": "last_name", "cmp": "not_empty"}, {"field": "task.type", "cmp": "eq", "value": "fax"})), 422,
        fields=["criteria.items.1.value"])
    assert "Type de tâche inconnu" in body["errors"]["criteria.items.1.value"][0]
    admin.language = "en"
    body = assert_problem(admin.get("/contacts", params=_criteria(
        {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "blocked"}})), 422,
        fields=["criteria.value.status"])
    assert body["errors"]["criteria.value.status"] == ["Unknown status: use todo, in_progress or done."]
    assert_problem(admin.get("/contacts", params=_criteria({"field": "task", "cmp": "eq", "value": "call"})), 422,
                   fields=["criteria.value"])


def test_task_criteria_need_the_tasks_read_permission(org):
    admin = org["admin"]
    account, contact, _ = _world(admin, org)
    _create_task(admin, {"type": "note", "title": "Aime le bois", "contact_id": contact["id"],
                         "account_id": account["id"]})
    note = {"field": "task.type", "cmp": "eq", "value": "note"}
    eventually(lambda: _ids(admin, "contacts", note), lambda ids: ids == {contact["id"]})
    reader = add_member(org, modules={"contacts": {"read": True}, "accounts": {"read": True},
                                      "tasks": {"read": True}}, flags={"all_contacts": True})["client"]
    assert _ids(reader, "contacts", note) == {contact["id"]}
    ok(reader.post("/filters/contacts", json={"name": "Notes", "criteria": note}), 201)
    no_tasks = add_member(org, modules={"contacts": {"read": True}, "accounts": {"read": True}},
                          flags={"all_contacts": True})["client"]
    body = assert_problem(no_tasks.get("/contacts", params=_criteria(note)), 403, code="field_not_readable")
    assert list(body["errors"]) == ["criteria.field"]
    assert_problem(no_tasks.post("/filters/contacts", json={"name": "Notes", "criteria": note}), 403)
