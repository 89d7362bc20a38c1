"""C-12 action criteria under S-4, end to end: a user limited to their own records filters contacts and accounts
by opportunities and tasks counting only those the opportunities service shows them, so a filter never tells
them of another rep's opportunity or task."""
import json

from conftest import add_member, eventually, ok


def _ids(client, module, leaf):
    return {record["id"] for record in ok(client.get(f"/{module}", params={"criteria": json.dumps(leaf)}))["items"]}


def _when_known(post):
    """POST at once: the opportunities service confirms at the source an account or contact its read model has not
    heard of yet (issue 10 §3)."""
    return post()


def test_a_user_limited_to_own_records_filters_only_on_what_they_may_see(org):
    admin, admin_id = org["admin"], org["user"]["id"]
    own = add_member(org, flags={"all_contacts": True, "own_records_only": True})
    limited, my_id = own["client"], own["user"]["id"]
    account = ok(admin.post("/accounts", json={"name": "Bois Tremblay", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Roy"}), 201)
    roy = {"field": "last_name", "cmp": "eq", "value": "Roy"}
    assert _ids(limited, "contacts", roy) == {contact["id"]}  # they see the contact (all_contacts) …

    # … but not the admin's opportunity on it (rep 1: the admin)
    stage = {s["probability"]: s for s in ok(admin.get("/stages"))}[90]["id"]
    ok(_when_known(lambda: admin.post("/opportunities", json={
        "title": "Plancher", "account_id": account["id"], "contact_id": contact["id"], "stage_id": stage})), 201)
    at_stage = {"field": "opportunity.stage_id", "cmp": "eq", "value": stage}
    eventually(lambda: _ids(admin, "contacts", at_stage), lambda ids: ids == {contact["id"]})
    assert _ids(admin, "accounts", at_stage) == {account["id"]}
    assert ok(limited.get("/opportunities"))["total"] == 0
    assert _ids(limited, "contacts", at_stage) == set()
    assert _ids(limited, "accounts", at_stage) == set()
    assert contact["id"] in _ids(limited, "contacts", {**at_stage, "cmp": "ne"})

    # tasks: the admin's call; a meeting assigned to the limited user; a note they wrote for the admin
    for client, body in ((admin, {"type": "call", "title": "Rappeler"}),
                         (admin, {"type": "meeting", "title": "Visite", "assignee_id": my_id}),
                         (limited, {"type": "note", "title": "Aime le bois", "assignee_id": admin_id})):
        ok(_when_known(lambda client=client, body=body: client.post("/tasks", json={
            **body, "contact_id": contact["id"]})), 201)
    for task_type in ("call", "meeting", "note"):
        eventually(lambda task_type=task_type: _ids(admin, "contacts", {
            "field": "task.type", "cmp": "eq", "value": task_type}), lambda ids: ids == {contact["id"]})
    assert sorted(t["type"] for t in ok(limited.get("/tasks"))["items"]) == ["meeting", "note"]
    assert _ids(limited, "contacts", {"field": "task.type", "cmp": "eq", "value": "call"}) == set()
    assert _ids(limited, "contacts", {"field": "task.type", "cmp": "eq", "value": "meeting"}) == {contact["id"]}
    assert _ids(limited, "contacts", {"field": "task.type", "cmp": "eq", "value": "note"}) == {contact["id"]}


def test_a_user_limited_to_own_records_finds_their_own_opportunity(org):
    """The opportunity events carry the reps, so the contacts summary knows whose an opportunity is."""
    admin = org["admin"]
    own = add_member(org, flags={"all_contacts": True, "own_records_only": True})
    limited, my_id = own["client"], own["user"]["id"]
    account = ok(admin.post("/accounts", json={"name": "Érablière Roy", "list_ids": [org["shared"]]}), 201)
    stage = {s["probability"]: s for s in ok(admin.get("/stages"))}[60]["id"]
    mine = ok(_when_known(lambda: admin.post("/opportunities", json={
        "title": "Sirop", "account_id": account["id"], "stage_id": stage, "rep1_id": my_id})), 201)
    assert mine["rep1_id"] == my_id
    at_stage = {"field": "opportunity.stage_id", "cmp": "eq", "value": stage}
    eventually(lambda: _ids(limited, "accounts", at_stage), lambda ids: ids == {account["id"]})
    assert [o["id"] for o in ok(limited.get("/opportunities"))["items"]] == [mine["id"]]
