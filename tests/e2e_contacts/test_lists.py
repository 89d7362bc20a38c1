"""Lists through the gateway: creation, selection, sharing, grants (L-1..L-3, S-6)."""
from conftest import assert_problem, ok


def test_new_list_is_selected_and_listed(org):
    admin = org["admin"]
    created = ok(admin.post("/lists", json={"name": "Clients"}), 201)
    assert created["selected"] is True
    assert created["id"] in ok(admin.get("/me/selected-lists"))["list_ids"]
    assert created["id"] in {lst["id"] for lst in ok(admin.get("/lists"))}


def test_private_list_is_never_made_public_again(org):
    admin = org["admin"]
    private = ok(admin.post("/lists", json={"name": "Privée", "private": True}), 201)
    assert_problem(admin.patch(f"/lists/{private['id']}", json={"private": False}), 422,
                   fields=["private"])
    admin.language = "fr"
    body = assert_problem(admin.patch(f"/lists/{private['id']}", json={"private": False}), 422)
    assert "jamais" in body["errors"]["private"][0]
    assert ok(admin.patch(f"/lists/{private['id']}", json={"name": "Renommée"}))["name"] == "Renommée"


def test_member_sees_shared_and_granted_lists_only(org, member):
    client = member["client"]
    assert {lst["id"] for lst in ok(client.get("/lists"))} == {org["shared"]}
    assert_problem(client.put(f"/lists/{org['closed']}/grants", json={"user_ids": []}), 403, code="admin_only")
    ok(org["admin"].put(f"/lists/{org['closed']}/grants", json={"user_ids": [member["user"]["id"]]}))
    assert {lst["id"] for lst in ok(client.get("/lists"))} == {org["shared"], org["closed"]}
    assert ok(org["admin"].get(f"/lists/{org['closed']}/grants")) == {"user_ids": [member["user"]["id"]]}


def test_selection_refuses_unknown_and_foreign_lists(org, member, base_url):
    from conftest import sign_up
    other, _ = sign_up(base_url)
    foreign = ok(other.post("/lists", json={"name": "Ailleurs"}), 201)
    client = member["client"]
    assert_problem(client.put("/me/selected-lists", json={"list_ids": ["nope"]}), 422, fields=["list_ids"])
    assert_problem(client.put("/me/selected-lists", json={"list_ids": [foreign["id"]]}), 404)
    assert_problem(client.put("/me/selected-lists", json={"list_ids": [org["closed"]]}), 404)
    assert_problem(other.patch(f"/lists/{org['shared']}", json={"name": "x"}), 404)
    assert_problem(other.delete(f"/lists/{org['shared']}"), 404)


def test_bad_list_input_is_422_per_field(org):
    admin = org["admin"]
    assert_problem(admin.post("/lists", json={"name": ""}), 422, fields=["name"])
    assert_problem(admin.post("/lists", json={"name": "x" * 101}), 422, fields=["name"])
    assert_problem(admin.post("/lists", json={"name": "a", "private": "yes"}), 422, fields=["private"])
    assert_problem(admin.post("/lists", json={"name": "a", "private": True, "access_all_users": True}), 422,
                   fields=["access_all_users"])
    assert_problem(admin.post("/lists", json={"name": "a", "colour": "red"}), 422, fields=["colour"])


def test_me_shows_the_active_lists_and_follows_every_change_at_the_next_request(org, member):
    """GET /me lists the caller's active lists (L-2); selections, grants and deletes show at once."""
    admin, client = org["admin"], member["client"]
    created = ok(admin.post("/lists", json={"name": "Suivi"}), 201)
    assert created["id"] in ok(admin.get("/me"))["selected_list_ids"]
    ok(admin.put("/me/selected-lists", json={"list_ids": [created["id"]]}))
    assert ok(admin.get("/me"))["selected_list_ids"] == [created["id"]]
    before = ok(client.get("/me"))["selected_list_ids"]
    ok(admin.put(f"/lists/{created['id']}/grants", json={"user_ids": [member["user"]["id"]]}))
    ok(client.put("/me/selected-lists", json={"list_ids": sorted({*before, created["id"]})}))
    assert created["id"] in ok(client.get("/me"))["selected_list_ids"]
    ok(admin.put(f"/lists/{created['id']}/grants", json={"user_ids": []}))
    assert created["id"] not in ok(client.get("/me"))["selected_list_ids"]
    assert admin.delete(f"/lists/{created['id']}").status_code == 204
    assert created["id"] not in ok(admin.get("/me"))["selected_list_ids"]
