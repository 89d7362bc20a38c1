"""``POST /accounts/bulk`` with ``dependents=delete`` (issue 10 §1 and §6; C-10, S-3, S-4, O-7): as ``DELETE
/accounts/{id}?dependents=delete``, it deletes with the accounts only the opportunities and tasks the caller sees and
may delete, answers what went and what they see that stayed (with why), and neither touches nor names what they cannot
see: another rep's opportunity and task stay on the account, hidden with it, and come back with it."""
from conftest import add_member, eventually, ok
from nameko.standalone.rpc import ClusterRpcProxy
from support.orgs import stage_id
from support.system import rows

ALL = {"read": True, "write": True, "delete": True, "export": False}


def test_an_accounts_bulk_delete_takes_only_the_dependents_the_caller_sees_and_may_delete(org, stack):
    admin = org["admin"]
    deleter = add_member(org, modules={module: ALL for module in ("contacts", "accounts", "opportunities", "tasks")},
                         flags={"own_records_only": True})
    client, me = deleter["client"], deleter["user"]["id"]
    account = ok(admin.post("/accounts", json={"name": "Lot inc.", "rep1_id": me, "list_ids": [org["shared"]]}), 201)
    hidden = ok(admin.post("/accounts", json={"name": "Autre inc.", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Lot", "rep1_id": me}), 201)
    on = {"account_id": account["id"], "contact_id": contact["id"]}
    mine = ok(admin.post("/opportunities", json={"title": "Mienne", "stage_id": stage_id(admin), "rep1_id": me, **on}),
              201)
    theirs = ok(admin.post("/opportunities", json={"title": "Leur", "stage_id": stage_id(admin), **on}), 201)
    my_task = ok(admin.post("/tasks", json={"type": "call", "title": "Appeler", "assignee_id": me,
                                             "contact_id": contact["id"]}), 201)
    their_task = ok(admin.post("/tasks", json={"type": "todo", "title": "Relancer", "account_id": account["id"]}),
                    201)
    me_admin = ok(admin.get("/me"))
    caller = {"org_id": me_admin["organization"]["id"], "user_id": me_admin["user"]["id"], "is_admin": True,
              "list_ids": [org["shared"]]}
    with ClusterRpcProxy({"AMQP_URI": stack.env["AMQP_URI"], "serializer": "json"}, timeout=20) as proxy:
        accounting = proxy.opportunities.import_opportunity(caller, {
            "title": "FACT-9", "stage_id": stage_id(admin, 100), "rep1_id": me, "source": "quickbooks", **on})

    client.language = "en"
    result = ok(client.post("/accounts/bulk", json={"action": "delete", "ids": [account["id"], hidden["id"]],
                                                    "dependents": "delete"}))
    assert (result["matched"], result["changed"], result["not_found"]) == (1, 1, [hidden["id"]])
    assert result["contacts_deleted"] == [contact["id"]]
    outcome = result["dependents"]
    assert (outcome["opportunities_deleted"], outcome["tasks_deleted"]) == ([mine["id"]], [my_task["id"]])
    assert [(i["id"], i["reason"]) for i in outcome["left"]] == [(accounting["id"], "read_only")]
    assert outcome["left_total"] == 1 and "accounting system" in outcome["left"][0]["detail"]
    assert "hidden with it" in outcome["note"]
    assert theirs["id"] not in str(result) and their_task["id"] not in str(result)
    ok(admin.get(f"/accounts/{hidden['id']}"))

    eventually(lambda: rows(stack, "SELECT deleted_with FROM opportunities.tasks WHERE id = :t", t=my_task["id"]),
               lambda rows: rows == [(account["id"],)], what="my task deleted with the account")
    eventually(lambda: rows(stack, "SELECT deleted_with FROM opportunities.opportunities WHERE id = :o",
                             o=mine["id"]), lambda rows: rows == [(account["id"],)], what="my opportunity deleted")
    # another rep's and the accounting one stay on the account (hidden with it), never deleted with it
    assert rows(stack, "SELECT deleted_at, deleted_with FROM opportunities.opportunities WHERE id IN (:a, :b)",
                 a=theirs["id"], b=accounting["id"]) == [(None, None), (None, None)]
    assert rows(stack, "SELECT deleted_at FROM opportunities.tasks WHERE id = :t", t=their_task["id"]) == [(None,)]

    ok(client.post(f"/trash/{account['id']}/restore"))
    for path in (f"/opportunities/{mine['id']}", f"/tasks/{my_task['id']}", f"/opportunities/{theirs['id']}",
                 f"/tasks/{their_task['id']}"):
        eventually(lambda path=path: admin.get(path), lambda r: r.status_code == 200, what=f"{path} back")
