"""``dependents=delete`` through the gateway (issue 10 §1; C-10, S-3, S-4, O-7, T-3): a delete never takes more of
what hangs on a record than the caller could delete one by one. It needs the delete permission of each module it
deletes from (403 naming the missing one, nothing deleted); it deletes only the opportunities and tasks the caller
sees and may delete (not another rep's that ``own_records_only`` hides, not a read-only accounting opportunity), and
its answer lists those deleted and those the caller sees that stay, with why; what the caller cannot see is neither
touched nor counted. A task of another rep keeps its invitation: no CANCEL is queued for it.

The suite's system sends to a real SMTP relay (conftest.py), so that invitations are sent (a CANCEL is queued only
for an address that may hold the event)."""
import pytest
from conftest import add_member, assert_problem, eventually, ok
from nameko.standalone.rpc import ClusterRpcProxy
from support.orgs import stage_id
from support.system import rows

ALL = {"read": True, "write": True, "delete": True, "export": False}
NO_DELETE = {"read": True, "write": True, "delete": False, "export": False}


@pytest.fixture
def system(stack):
    return stack


def _deleter(org, *, opportunities=ALL, tasks=ALL, flags=None):
    modules = {"contacts": ALL, "accounts": ALL, "opportunities": opportunities, "tasks": tasks}
    return add_member(org, modules=modules, flags=flags)


def _scene(system, org, deleter):
    """An account and its contact, both the deleter's (rep 1), in the shared list; on them: an opportunity and a
    task of the deleter's, an opportunity and a task of the administrator's (the task invited to the contact, the
    invitation sent), and an accounting opportunity of the deleter's (read-only, O-7)."""
    admin, me = org["admin"], deleter["user"]["id"]
    account = ok(admin.post("/accounts", json={"name": "Scierie Roy", "rep1_id": me, "list_ids": [org["shared"]]}),
                 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={
        "last_name": "Roy", "email": f"roy-{account['id'][:8]}@client.test", "rep1_id": me}), 201)
    stage = stage_id(admin)
    on = {"account_id": account["id"], "contact_id": contact["id"]}
    mine = ok(admin.post("/opportunities", json={"title": "Mienne", "stage_id": stage, "rep1_id": me, **on}), 201)
    theirs = ok(admin.post("/opportunities", json={"title": "Leur", "stage_id": stage, **on}), 201)
    my_task = ok(admin.post("/tasks", json={"type": "call", "title": "Appeler", "assignee_id": me,
                                             "contact_id": contact["id"]}), 201)
    their_task = ok(admin.post("/tasks", json={"type": "meeting", "title": "Visite", "contact_id": contact["id"],
                                                "due_at": "2027-07-01T09:30:00-04:00"}), 201)
    ok(admin.post(f"/tasks/{their_task['id']}/invite", json={"to": "contact"}), 202)
    eventually(lambda: ok(admin.get(f"/tasks/{their_task['id']}/invitations")),
               lambda rows: rows and rows[0]["status"] == "sent", what="the invitation sent")
    me_admin = ok(admin.get("/me"))
    caller = {"org_id": me_admin["organization"]["id"], "user_id": me_admin["user"]["id"], "is_admin": True,
              "list_ids": [org["shared"]]}
    with ClusterRpcProxy({"AMQP_URI": system.env["AMQP_URI"], "serializer": "json"}, timeout=20) as proxy:
        accounting = proxy.opportunities.import_opportunity(caller, {
            "title": "FACT-7", "stage_id": stage_id(admin, 100), "rep1_id": me, "source": "quickbooks", **on})
    return {"account": account, "contact": contact, "mine": mine, "theirs": theirs, "accounting": accounting,
            "my_task": my_task, "their_task": their_task}


def _cancels(system, task_id):
    return rows(system, "SELECT email FROM opportunities.task_invitations WHERE task_id = :t AND method = 'CANCEL'",
                 t=task_id)


def test_dependents_delete_needs_the_delete_permission_of_each_module_it_deletes_from(org):
    admin = org["admin"]
    deleter = _deleter(org, opportunities=NO_DELETE, tasks=NO_DELETE, flags={"all_contacts": True})
    client = deleter["client"]
    client.language = "en"
    account = ok(admin.post("/accounts", json={"name": "Sans droit", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Gagné"}), 201)
    opportunity = ok(admin.post("/opportunities", json={"title": "Vente", "stage_id": stage_id(admin),
                                                        "account_id": account["id"], "contact_id": contact["id"]}), 201)
    task = ok(admin.post("/tasks", json={"type": "call", "title": "Appeler", "contact_id": contact["id"]}), 201)

    tries = [lambda: client.delete(f"/contacts/{contact['id']}", params={"dependents": "delete"}),
             lambda: client.delete(f"/accounts/{account['id']}", params={"dependents": "delete"}),
             lambda: client.post("/contacts/bulk", json={"action": "delete", "ids": [contact["id"]],
                                                         "dependents": "delete"})]
    for attempt in tries:
        body = assert_problem(attempt(), 403, code="missing_permission")
        assert "opportunities" in body["detail"] and "delete" in body["detail"], body
    ok(admin.put(f"/roles/{deleter['role']['id']}/permissions", json={"modules": {
        "contacts": ALL, "accounts": ALL, "opportunities": ALL, "tasks": NO_DELETE}}))
    for attempt in tries:
        body = assert_problem(attempt(), 403, code="missing_permission")
        assert "tasks" in body["detail"] and "delete" in body["detail"], body
    # nothing went: the contact, its opportunity and its task are all there
    for path in (f"/contacts/{contact['id']}", f"/opportunities/{opportunity['id']}", f"/tasks/{task['id']}"):
        ok(admin.get(path))
    # reattach (the default) deletes nothing of the other modules: the contacts permission is enough
    ok(client.delete(f"/contacts/{contact['id']}"), 204)
    eventually(lambda: ok(admin.get(f"/tasks/{task['id']}")), lambda t: t["account_id"] == account["id"])


def test_a_contacts_delete_takes_only_the_dependents_the_caller_sees_and_may_delete(org, system, relay):
    deleter = _deleter(org, flags={"own_records_only": True})
    admin, client = org["admin"], deleter["client"]
    scene = _scene(system, org, deleter)
    contact, account = scene["contact"], scene["account"]

    # the preview counts and names only what the caller sees (another rep's are neither listed nor counted)
    preview = ok(client.get(f"/contacts/{contact['id']}/delete-preview"))
    assert {o["id"] for o in preview["opportunities"]} == {scene["mine"]["id"], scene["accounting"]["id"]}
    assert preview["opportunities_total"] == 2
    assert [t["id"] for t in preview["tasks"]] == [scene["my_task"]["id"]] and preview["tasks_total"] == 1

    client.language = "en"
    result = ok(client.delete(f"/contacts/{contact['id']}", params={"dependents": "delete"}))
    outcome = result["dependents"]
    assert outcome["opportunities_deleted"] == [scene["mine"]["id"]]
    assert outcome["tasks_deleted"] == [scene["my_task"]["id"]]
    [left] = outcome["left"]
    assert (left["type"], left["id"], left["reason"]) == ("opportunity", scene["accounting"]["id"], "read_only")
    assert outcome["left_total"] == 1
    assert "accounting system" in left["detail"] and "reattach" in outcome["note"]
    assert scene["theirs"]["id"] not in str(result) and scene["their_task"]["id"] not in str(result)

    # the deleter's own went with the contact; another rep's and the accounting one stay, reattached to its account
    for path in (f"/opportunities/{scene['mine']['id']}", f"/tasks/{scene['my_task']['id']}"):
        eventually(lambda path=path: admin.get(path), lambda r: r.status_code == 404, what=f"{path} deleted")
    theirs = eventually(lambda: ok(admin.get(f"/opportunities/{scene['theirs']['id']}")),
                        lambda o: o["contact_id"] is None, what="their opportunity reattached")
    assert theirs["account_id"] == account["id"]
    their_task = eventually(lambda: ok(admin.get(f"/tasks/{scene['their_task']['id']}")),
                            lambda t: t["contact_id"] is None, what="their task reattached")
    assert their_task["account_id"] == account["id"]
    assert ok(admin.get(f"/opportunities/{scene['accounting']['id']}"))["read_only"] is True
    assert rows(system, "SELECT deleted_with FROM opportunities.opportunities WHERE id IN (:a, :b)",
                 a=scene["theirs"]["id"], b=scene["accounting"]["id"]) == [(None,), (None,)]
    # their task's invitee is sent no CANCEL: the task was not deleted
    assert _cancels(system, scene["their_task"]["id"]) == []

    # a restore brings back what went with the contact
    ok(client.post(f"/trash/{contact['id']}/restore"))
    eventually(lambda: admin.get(f"/opportunities/{scene['mine']['id']}"), lambda r: r.status_code == 200)
    eventually(lambda: admin.get(f"/tasks/{scene['my_task']['id']}"), lambda r: r.status_code == 200)


def test_an_accounts_and_a_bulk_delete_take_only_the_dependents_the_caller_sees_and_may_delete(org, system):
    deleter = _deleter(org, flags={"own_records_only": True})
    admin, client = org["admin"], deleter["client"]
    scene = _scene(system, org, deleter)
    account = scene["account"]

    preview = ok(client.get(f"/accounts/{account['id']}/delete-preview"))
    assert preview["opportunities_total"] == 2 and preview["tasks_total"] == 1

    result = ok(client.delete(f"/accounts/{account['id']}", params={"dependents": "delete"}))
    outcome = result["dependents"]
    assert outcome["opportunities_deleted"] == [scene["mine"]["id"]]
    assert outcome["tasks_deleted"] == [scene["my_task"]["id"]]
    assert [(i["id"], i["reason"]) for i in outcome["left"]] == [(scene["accounting"]["id"], "read_only")]
    eventually(lambda: rows(system, "SELECT deleted_with FROM opportunities.tasks WHERE id = :t",
                             t=scene["my_task"]["id"]), lambda rows: rows == [(account["id"],)])
    # another rep's and the accounting one stay on the account (hidden with it), never deleted with it
    assert rows(system, "SELECT deleted_at, deleted_with FROM opportunities.opportunities WHERE id IN (:a, :b)",
                 a=scene["theirs"]["id"], b=scene["accounting"]["id"]) == [(None, None), (None, None)]
    assert rows(system, "SELECT deleted_at FROM opportunities.tasks WHERE id = :t",
                 t=scene["their_task"]["id"]) == [(None,)]
    assert _cancels(system, scene["their_task"]["id"]) == []
    ok(client.post(f"/trash/{account['id']}/restore"))
    for path in (f"/opportunities/{scene['theirs']['id']}", f"/tasks/{scene['their_task']['id']}",
                 f"/opportunities/{scene['mine']['id']}"):
        eventually(lambda path=path: admin.get(path), lambda r: r.status_code == 200, what=f"{path} back")

    # a bulk delete: the same, counted over the selection
    bulk = ok(client.post("/contacts/bulk", json={"action": "delete", "ids": [scene["contact"]["id"]],
                                                  "dependents": "delete"}))
    assert bulk["changed"] == 1
    assert bulk["dependents"]["opportunities_deleted"] == [scene["mine"]["id"]]
    assert bulk["dependents"]["tasks_deleted"] == [scene["my_task"]["id"]]
    assert [i["id"] for i in bulk["dependents"]["left"]] == [scene["accounting"]["id"]]
    eventually(lambda: ok(admin.get(f"/tasks/{scene['their_task']['id']}")), lambda t: t["contact_id"] is None,
               what="their task reattached")
    assert _cancels(system, scene["their_task"]["id"]) == []
