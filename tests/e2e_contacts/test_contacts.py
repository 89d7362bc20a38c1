"""Contacts and accounts through the gateway: CRUD, visibility from a second user and a second
organization, flags effective at the next request, field permissions, concurrency, search, bad input."""
import threading

import pytest
from conftest import assert_problem, eventually, ok, sign_up


def _contact(client, lists, **fields):
    return ok(client.post("/contacts", json={"list_ids": lists, **fields}), 201)


def test_contact_lifecycle(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Ébénisterie Gagnon", "city": "Montréal",
                                               "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts",
                            json={"first_name": "Émile", "last_name": "Dupré", "phone": "514-222-3333 x444"}), 201)
    assert contact["account_name"] == "Ébénisterie Gagnon" and contact["list_ids"] == [org["shared"]]
    assert ok(admin.get(f"/contacts/{contact['id']}"))["version"] == 1
    updated = ok(admin.patch(f"/contacts/{contact['id']}", json={"title": "PDG", "version": 1}))
    assert updated["title"] == "PDG" and updated["version"] == 2
    assert_problem(admin.patch(f"/contacts/{contact['id']}", json={"title": "Old", "version": 1}), 409,
                   code="version_conflict")
    moved = ok(admin.put(f"/contacts/{contact['id']}/lists", json={"list_ids": [org["shared"], org["closed"]]}))
    assert sorted(moved["list_ids"]) == sorted([org["shared"], org["closed"]])
    history = ok(admin.get(f"/contacts/{contact['id']}/history"))
    assert {"created", "title", "list_ids"} <= {entry["field"] for entry in history}
    assert ok(admin.get(f"/accounts/{account['id']}/contacts"))["total"] == 1
    ok(admin.patch(f"/accounts/{account['id']}", json={"name": "Gagnon et fils"}))
    assert ok(admin.get(f"/contacts/{contact['id']}"))["account_name"] == "Gagnon et fils"
    ok(admin.delete(f"/contacts/{contact['id']}"), 204)
    assert_problem(admin.get(f"/contacts/{contact['id']}"), 404)


def test_two_writers_never_lose_an_update(org):
    admin = org["admin"]
    contact = _contact(admin, [org["shared"]], last_name="Course")
    statuses = []

    def write(title):
        statuses.append(admin.__class__(admin.base_url, token=admin.token)
                        .patch(f"/contacts/{contact['id']}", json={"title": title, "version": 1}).status_code)

    threads = [threading.Thread(target=write, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert ok(admin.get(f"/contacts/{contact['id']}"))["version"] == 2


def test_member_sees_only_contacts_they_represent_in_selected_lists(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    mine = _contact(admin, [org["shared"]], last_name="Mien", rep1_id=user_id)
    theirs = _contact(admin, [org["shared"]], last_name="Autre")
    closed = _contact(admin, [org["closed"]], last_name="Fermé", rep2_id=user_id)
    assert ok(client.get(f"/contacts/{mine['id']}"))["id"] == mine["id"]
    for contact in (theirs, closed):
        cid = contact["id"]
        assert_problem(client.get(f"/contacts/{cid}"), 404)
        assert_problem(client.patch(f"/contacts/{cid}", json={"title": "x"}), 404)
        assert_problem(client.get(f"/contacts/{cid}/history"), 404)
        assert_problem(client.put(f"/contacts/{cid}/lists", json={"list_ids": [org["shared"]]}), 404)
    assert [c["id"] for c in ok(client.get("/contacts"))["items"]] == [mine["id"]]
    # S-4: the flag applies at the member's next request, no new login.
    ok(admin.patch(f"/users/{user_id}", json={"all_contacts": True}))
    assert {c["id"] for c in ok(client.get("/contacts"))["items"]} == {mine["id"], theirs["id"]}
    # L-2: deselecting the list hides its records.
    ok(client.put("/me/selected-lists", json={"list_ids": []}))
    assert ok(client.get("/contacts"))["total"] == 0
    assert_problem(client.get(f"/contacts/{mine['id']}"), 404)


def test_hierarchy_flag_shows_contacts_of_users_below(org, member, base_url):
    admin, user_id = org["admin"], member["user"]["id"]
    below = ok(admin.post("/users", json={"username": f"below_{user_id[:8]}", "password": "correct-horse-battery",
                                          "full_name": "Sous", "email": f"b{user_id[:8]}@example.com",
                                          "manager_id": user_id}), 201)
    contact = _contact(admin, [org["shared"]], last_name="Équipe", rep1_id=below["id"])
    assert_problem(member["client"].get(f"/contacts/{contact['id']}"), 404)
    ok(admin.patch(f"/users/{user_id}", json={"hierarchy_contacts": True}))
    assert ok(member["client"].get(f"/contacts/{contact['id']}"))["id"] == contact["id"]


def test_another_organization_gets_404_everywhere(org, base_url):
    contact = _contact(org["admin"], [org["shared"]], last_name="Secret")
    account = ok(org["admin"].post("/accounts", json={"name": "Secret inc.", "list_ids": [org["shared"]]}), 201)
    other, _ = sign_up(base_url)
    cid, aid = contact["id"], account["id"]
    for method, path, body in [("GET", f"/contacts/{cid}", None), ("PATCH", f"/contacts/{cid}", {"title": "x"}),
                               ("DELETE", f"/contacts/{cid}", None), ("GET", f"/contacts/{cid}/history", None),
                               ("PUT", f"/contacts/{cid}/lists", {"list_ids": ["x"]}),
                               ("GET", f"/accounts/{aid}", None), ("PATCH", f"/accounts/{aid}", {"name": "x"}),
                               ("DELETE", f"/accounts/{aid}", None), ("GET", f"/accounts/{aid}/contacts", None),
                               ("POST", f"/accounts/{aid}/contacts", {"last_name": "x"}),
                               ("GET", f"/accounts/{aid}/history", None)]:
        response = other.request(method, path, json=body) if body else other.request(method, path)
        assert_problem(response, 404)
    # another organization's list answers as an unknown one (issue 10 §1, L-2)
    assert_problem(other.post("/contacts", json={"last_name": "x", "list_ids": [org["shared"]]}), 422,
                   fields=["list_ids"])
    assert ok(other.get("/contacts", params={"q": f"id:{cid}"}))["total"] == 0


def test_field_permissions_hide_and_protect_fields(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    contact = _contact(admin, [org["shared"]], last_name="Champs", email="c@example.com", title="Avant",
                       rep1_id=user_id)
    ok(admin.patch(f"/contacts/{contact['id']}", json={"email": "d@example.com"}))
    modules = {m: {"read": True, "write": True, "delete": False, "export": False} for m in ("contacts", "accounts")}
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": modules,
        "fields": {"contacts.email": {"read": False, "write": False},
                   "contacts.title": {"read": True, "write": False}}}))
    got = ok(client.get(f"/contacts/{contact['id']}"))
    assert "email" not in got and got["title"] == "Avant"
    assert all("email" not in item for item in ok(client.get("/contacts"))["items"])
    assert "email" not in {e["field"] for e in ok(client.get(f"/contacts/{contact['id']}/history"))}
    assert_problem(client.patch(f"/contacts/{contact['id']}", json={"title": "Après"}), 403,
                   code="field_not_writable", fields=["title"])
    assert_problem(client.post("/contacts", json={"last_name": "x", "email": "x@example.com",
                                                  "list_ids": [org["shared"]]}), 403, fields=["email"])
    assert_problem(client.delete(f"/contacts/{contact['id']}"), 403, code="missing_permission")
    assert ok(client.patch(f"/contacts/{contact['id']}", json={"first_name": "Ok"}))["first_name"] == "Ok"


@pytest.mark.parametrize("body, field", [
    ({"last_name": "x", "email": "not-an-email", "list_ids": ["L"]}, "email"),
    ({"last_name": "x" * 101, "list_ids": ["L"]}, "last_name"),
    ({"last_name": "x", "list_ids": []}, "list_ids"),
    ({"last_name": "x"}, "list_ids"),
    ({"last_name": "x", "list_ids": ["L"], "subscribed": "yes"}, "subscribed"),
    ({"last_name": "x", "list_ids": ["L"], "language": "français"}, "language"),
    ({"last_name": "x", "list_ids": ["L"], "nickname": "x"}, "nickname"),
    ({"list_ids": ["L"]}, "last_name"),
    ({"last_name": "x", "list_ids": ["no-such-list"]}, "list_ids"),
    ({"last_name": "x", "list_ids": ["L"], "account_id": "no-such-account"}, "account_id"),
])
def test_bad_contact_input_is_422_naming_the_field(org, body, field):
    body = {**body, "list_ids": [org["shared"] if i == "L" else i for i in body.get("list_ids", [])]} \
        if "list_ids" in body else body
    assert_problem(org["admin"].post("/contacts", json=body), 422, fields=[field])


def test_bad_queries_are_422(org):
    admin = org["admin"]
    for params, field in [({"per_page": 201}, "per_page"), ({"per_page": 0}, "per_page"), ({"page": "x"}, "page"),
                          ({"q": "p:abc"}, "q"), ({"sort": "x"}, "sort")]:
        assert_problem(admin.get("/contacts", params=params), 422, fields=[field])
    assert_problem(admin.post("/accounts", json={"list_ids": [org["shared"]]}), 422, fields=["name"])
    assert_problem(admin.patch("/contacts/nope", json={"version": 0}), 422, fields=["version"])


def test_search_through_the_gateway(org):
    admin = org["admin"]
    marie = _contact(admin, [org["shared"]], first_name="Marie", last_name="Tremblay", phone="(514) 222-3333 poste 9")
    emond = _contact(admin, [org["shared"]], first_name="Éric", last_name="Émond", city="Montréal")
    _contact(admin, [org["shared"]], first_name="Zoé", last_name="Zed")

    def ids(q, **params):
        return [c["id"] for c in ok(admin.get("/contacts", params={"q": q, **params}))["items"]]

    assert ids("TREMBLAY marie") == [marie["id"]]
    assert ids("emond") == [emond["id"]]
    assert ids("p:5142223333") == [marie["id"]]
    assert ids("c:montreal") == [emond["id"]]
    page = ok(admin.get("/contacts", params={"per_page": 2}))
    assert page["total"] == 3 and [c["last_name"] for c in page["items"]] == ["Émond", "Tremblay"]


def test_rep_prefix_finds_contacts_by_the_reps_name_from_identity_events(org, member):
    admin, user = org["admin"], member["user"]
    contact = _contact(admin, [org["shared"]], last_name="Représenté", rep1_id=user["id"])
    _contact(admin, [org["shared"]], last_name="Autre")

    def found(q):
        return [c["id"] for c in ok(admin.get("/contacts", params={"q": q}))["items"]]
    assert eventually(lambda: found(f"r1:{user['username']}"), timeout=15) == [contact["id"]]
    ok(admin.patch(f"/users/{user['id']}", json={"full_name": "Hélène Bérubé"}))
    assert eventually(lambda: found("r1:berube"), timeout=15) == [contact["id"]]


def test_accounts_follow_the_same_visibility_and_search(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    mine = ok(admin.post("/accounts", json={"name": "Boulangerie Côté", "city": "Sherbrooke", "rep1_id": user_id,
                                            "list_ids": [org["shared"]]}), 201)
    other = ok(admin.post("/accounts", json={"name": "Boucherie Côté", "list_ids": [org["shared"]]}), 201)
    assert [a["id"] for a in ok(client.get("/accounts", params={"q": "cote"}))["items"]] == [mine["id"]]
    assert_problem(client.get(f"/accounts/{other['id']}"), 404)
    assert_problem(client.post(f"/accounts/{other['id']}/contacts", json={"last_name": "x"}), 404)
    assert [a["id"] for a in ok(admin.get("/accounts", params={"q": "c:sherbrooke"}))["items"]] == [mine["id"]]
    assert_problem(admin.get("/accounts", params={"q": "t:chef"}), 422, fields=["q"])
    contact = ok(client.post(f"/accounts/{mine['id']}/contacts", json={"first_name": "Léa"}), 201)
    assert contact["account_name"] == "Boulangerie Côté" and contact["rep1_id"] == user_id
    assert [e["field"] for e in ok(admin.get(f"/accounts/{mine['id']}/history"))] == ["created"]
    ok(admin.delete(f"/accounts/{mine['id']}"), 204)
    assert_problem(client.get(f"/contacts/{contact['id']}"), 404)
