"""Reference ids are checked (issue 10 §2) through the gateway: the reps of contacts, accounts and opportunities
(C-4, O-2), a task's assignee (T-1) and a list's grantees (S-6) are active users of the caller's organization.
A second organization's user, a deleted one or none is refused (422 ``unknown_user`` naming the field), an
inactive one too (``user_inactive``) except where the record already holds them (S-1); a user created a moment
ago is accepted at once (identity, the source, is asked: no read model to wait for)."""
from conftest import add_member, assert_problem, ok, sign_up
from support.http import ApiClient, create_user

WRITE = {"read": True, "write": True, "delete": True, "export": False}


def _refused(response, field, code):
    body = assert_problem(response, 422, fields=[field])
    assert body["errors"][field] == [{"unknown_user": "No such user in your organization.",
                                      "user_inactive": "This user is inactive: choose an active user of your "
                                                       "organization."}[code]], body
    return body


def test_users_of_another_organization_deleted_or_unknown_are_refused_everywhere(base_url, org):
    admin, shared = org["admin"], org["shared"]
    admin.language = "en"
    other, _ = sign_up(base_url, client_class=ApiClient)
    foreign = create_user(other)["id"]
    deleted = create_user(admin)["id"]
    ok(admin.delete(f"/users/{deleted}"), 204)
    account = ok(admin.post("/accounts", json={"name": "Gagnon inc.", "list_ids": [shared]}), 201)
    contact = ok(admin.post("/contacts", json={"last_name": "Roy", "list_ids": [shared],
                                               "account_id": account["id"]}), 201)
    stage = ok(admin.get("/stages"))[1]["id"]
    for user_id in (foreign, deleted, "nobody"):
        _refused(admin.post("/contacts", json={"last_name": "X", "list_ids": [shared], "rep1_id": user_id}),
                 "rep1_id", "unknown_user")
        _refused(admin.patch(f"/contacts/{contact['id']}", json={"rep2_id": user_id}), "rep2_id", "unknown_user")
        _refused(admin.post("/accounts", json={"name": "X", "list_ids": [shared], "rep2_id": user_id}),
                 "rep2_id", "unknown_user")
        _refused(admin.patch(f"/accounts/{account['id']}", json={"rep1_id": user_id}), "rep1_id", "unknown_user")
        _refused(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "X", "rep1_id": user_id}),
                 "rep1_id", "unknown_user")
        _refused(admin.post("/opportunities", json={"title": "X", "account_id": account["id"], "stage_id": stage,
                                                    "rep2_id": user_id}), "rep2_id", "unknown_user")
        _refused(admin.post("/tasks", json={"type": "call", "title": "X", "assignee_id": user_id}),
                 "assignee_id", "unknown_user")
        _refused(admin.put(f"/lists/{shared}/grants", json={"user_ids": [user_id]}), "user_ids", "unknown_user")
    # nothing was written: the contact and account keep their reps, no other record appeared
    assert ok(admin.get(f"/contacts/{contact['id']}"))["rep2_id"] is None
    assert ok(admin.get("/contacts"))["total"] == 1 and ok(admin.get("/accounts"))["total"] == 1
    assert ok(admin.get(f"/lists/{shared}/grants"))["user_ids"] == []


def test_a_user_created_a_moment_ago_is_accepted_and_an_inactive_one_only_where_they_already_are(org):
    admin, shared = org["admin"], org["shared"]
    member = add_member(org, modules={m: WRITE for m in ("contacts", "accounts", "opportunities", "tasks")})
    client = member["client"]
    admin.language = client.language = "en"
    fresh = create_user(admin)["id"]
    contact = ok(client.post("/contacts", json={"last_name": "Roy", "list_ids": [shared],
                                                "rep1_id": member["user"]["id"], "rep2_id": fresh}), 201)
    task = ok(client.post("/tasks", json={"type": "call", "title": "Rappeler", "assignee_id": fresh}), 201)
    grants = ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [fresh]}))
    assert (contact["rep2_id"], task["assignee_id"], grants["user_ids"]) == (fresh, fresh, [fresh])

    ok(admin.patch(f"/users/{fresh}", json={"active": False}))
    # S-1: an inactive user stays rep, assignee and grantee of what they were, sent back unchanged
    ok(client.patch(f"/contacts/{contact['id']}", json={"rep2_id": fresh, "title": "Directeur"}))
    ok(client.patch(f"/tasks/{task['id']}", json={"assignee_id": fresh, "status": "done"}))
    newcomer = create_user(admin)["id"]
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [fresh, newcomer]}))
    # but cannot be given anything new
    _refused(client.post("/contacts", json={"last_name": "X", "list_ids": [shared], "rep1_id": fresh}),
             "rep1_id", "user_inactive")
    _refused(client.post("/tasks", json={"type": "call", "title": "X", "assignee_id": fresh}), "assignee_id",
             "user_inactive")
    _refused(admin.put(f"/lists/{shared}/grants", json={"user_ids": [fresh]}), "user_ids", "user_inactive")
    assert ok(admin.get(f"/lists/{shared}/grants"))["user_ids"] == []
