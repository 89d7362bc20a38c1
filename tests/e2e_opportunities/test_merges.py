"""Merges through the gateway (C-20 merge and undo; C-10, S-3, N-1, N-3): the preview, the merge and its undo
over /api/v1 with the opportunities service running, so that the loser's tasks and opportunities follow the winner
(``contact_merged``) and come back (``contact_merge_undone``); who may merge (another organization, a record the
caller cannot see, a role without the delete permission, a field the role may not read); bad input as
problem+json naming the field."""
from conftest import add_member, assert_problem, eventually, ok, sign_up
from support.orgs import stage_id

ALL = {"read": True, "write": True, "delete": True, "export": False}
NO_DELETE = {"read": True, "write": True, "delete": False, "export": False}


def _pair(admin, org, **loser_fields):
    account = ok(admin.post("/accounts", json={"name": "Fusion inc.", "list_ids": [org["shared"]]}), 201)
    winner = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Tremblay",
                                                                         "first_name": "Lise"}), 201)
    loser = ok(admin.post(f"/accounts/{account['id']}/contacts", json={
        "last_name": "Tremblay", "email": "lise@example.com", **loser_fields}), 201)
    return account, winner, loser


def _body(winner, loser, **extra):
    return {"record_type": "contact", "winner_id": winner["id"], "loser_id": loser["id"],
            "winner_version": winner["version"], "loser_version": loser["version"], **extra}


def _query(winner, loser):
    return {"record_type": "contact", "winner_id": winner["id"], "loser_id": loser["id"]}


def test_a_merge_moves_tasks_and_opportunities_to_the_winner_and_the_undo_moves_them_back(org):
    admin = org["admin"]
    account, winner, loser = _pair(admin, org, title="Directrice")
    opportunity = ok(admin.post("/opportunities", json={"title": "Toiture", "account_id": account["id"],
                                                        "contact_id": loser["id"], "stage_id": stage_id(admin)}), 201)
    task = ok(admin.post("/tasks", json={"type": "call", "title": "Rappeler", "contact_id": loser["id"]}), 201)

    preview = eventually(lambda: ok(admin.get("/merges/preview", params=_query(winner, loser))),
                         lambda p: p["moves"]["tasks"] == 1 and p["moves"]["opportunities"] == 1)
    fields = {entry["field"]: entry for entry in preview["fields"]}
    assert fields["email"]["proposed_value"] == "lise@example.com" and fields["title"]["proposed"] == "loser"
    merged = ok(admin.post("/merges", json=_body(winner, loser, choices={"title": "winner"})), 201)
    assert merged["loser_id"] == loser["id"] and merged["can_undo"] and merged["undo_until"]

    assert_problem(admin.get(f"/contacts/{loser['id']}"), 404)
    kept = ok(admin.get(f"/contacts/{winner['id']}"))
    assert kept["email"] == "lise@example.com" and kept["title"] is None
    eventually(lambda: ok(admin.get(f"/tasks/{task['id']}")), lambda t: t["contact_id"] == winner["id"])
    eventually(lambda: ok(admin.get(f"/opportunities/{opportunity['id']}")),
               lambda o: o["contact_id"] == winner["id"])
    assert ok(admin.get(f"/merges/{merged['id']}"))["winner_id"] == winner["id"]
    assert ok(admin.get("/merges"))["items"][0]["id"] == merged["id"]
    admin.language = "fr"
    problem = assert_problem(admin.post("/merges", json=_body(kept, loser)), 409, code="already_merged")
    assert "déjà été fusionnée" in problem["detail"]

    undone = ok(admin.post(f"/merges/{merged['id']}/undo"))
    assert undone["undone_at"] and not undone["can_undo"]
    back = ok(admin.get(f"/contacts/{loser['id']}"))
    assert back["title"] == "Directrice" and back["email"] == "lise@example.com"
    assert ok(admin.get(f"/contacts/{winner['id']}"))["email"] is None
    eventually(lambda: ok(admin.get(f"/tasks/{task['id']}")), lambda t: t["contact_id"] == loser["id"])
    eventually(lambda: ok(admin.get(f"/opportunities/{opportunity['id']}")),
               lambda o: o["contact_id"] == loser["id"])
    assert_problem(admin.post(f"/merges/{merged['id']}/undo"), 409, code="merge_already_undone")


def test_who_may_preview_merge_and_undo(org, base_url):
    admin = org["admin"]
    _, winner, loser = _pair(admin, org)
    stranger, _ = sign_up(base_url)
    assert_problem(stranger.get("/merges/preview", params=_query(winner, loser)), 404)
    assert_problem(stranger.post("/merges", json=_body(winner, loser)), 404)
    hidden = ok(admin.post("/contacts", json={"last_name": "Caché", "list_ids": [org["closed"]]}), 201)
    entry = add_member(org, modules={"contacts": ALL, "accounts": ALL}, flags={"all_contacts": True})
    member = entry["client"]
    assert_problem(member.get("/merges/preview", params=_query(winner, hidden)), 404)
    assert_problem(member.post("/merges", json=_body(winner, hidden)), 404)
    no_delete = add_member(org, modules={"contacts": NO_DELETE, "accounts": NO_DELETE},
                           flags={"all_contacts": True})["client"]
    assert_problem(no_delete.post("/merges", json=_body(winner, loser)), 403, code="missing_permission")
    # a field the role may not read is neither shown nor merged: the winner keeps its (empty) value
    ok(admin.put(f"/roles/{entry['role']['id']}/permissions", json={
        "modules": {"contacts": ALL, "accounts": ALL}, "fields": {"contacts.email": {"read": False,
                                                                                     "write": False}}}))
    preview = ok(member.get("/merges/preview", params=_query(winner, loser)))
    assert "email" not in {entry["field"] for entry in preview["fields"]} and "tasks" not in preview["moves"]
    assert_problem(member.post("/merges", json=_body(winner, loser, choices={"email": "loser"})), 422,
                   fields=["choices.email"])
    merged = ok(member.post("/merges", json=_body(winner, loser)), 201)
    assert ok(admin.get(f"/contacts/{winner['id']}"))["email"] is None
    assert_problem(no_delete.post(f"/merges/{merged['id']}/undo"), 403)
    assert_problem(stranger.post(f"/merges/{merged['id']}/undo"), 404)
    ok(member.post(f"/merges/{merged['id']}/undo"))


def test_bad_input_is_a_problem_naming_the_field(org):
    admin = org["admin"]
    _, winner, loser = _pair(admin, org)
    assert_problem(admin.post("/merges", json=_body(winner, winner)), 422, fields=["loser_id"])
    assert_problem(admin.post("/merges", json={**_body(winner, loser), "record_type": "deal"}), 422,
                   fields=["record_type"])
    body = _body(winner, loser)
    body.pop("loser_version")
    assert_problem(admin.post("/merges", json=body), 422, fields=["loser_version"])
    assert_problem(admin.post("/merges", json=_body(winner, loser, choices={"last_name": "ailleurs"})), 422,
                   fields=["choices.last_name"])
    assert_problem(admin.get("/merges/preview", params={"record_type": "contact", "winner_id": winner["id"]}), 422,
                   fields=["loser_id"])
    ok(admin.patch(f"/contacts/{loser['id']}", json={"title": "Changé"}))
    assert_problem(admin.post("/merges", json=_body(winner, loser)), 409, fields=["loser_version"])
    assert_problem(admin.post("/merges/nope/undo"), 404)
