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
    # the body is valid, the stored list refuses it: 409 (issue 10 §5)
    assert_problem(admin.patch(f"/lists/{private['id']}", json={"private": False}), 409,
                   code="private_list_stays_private", fields=["private"])
    assert_problem(admin.patch(f"/lists/{private['id']}", json={"access_all_users": True}), 409,
                   code="private_list_not_shared", fields=["access_all_users"])
    admin.language = "fr"
    body = assert_problem(admin.patch(f"/lists/{private['id']}", json={"private": False}), 409)
    assert "jamais" in body["errors"]["private"][0] and "jamais" in body["detail"]
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
    assert_problem(client.put("/me/selected-lists", json={"list_ids": [foreign["id"]]}), 422, fields=["list_ids"])
    assert_problem(client.put("/me/selected-lists", json={"list_ids": [org["closed"]]}), 422, fields=["list_ids"])
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


def test_an_inaccessible_list_id_answers_as_an_unknown_one_everywhere(org, member, base_url):
    """Issue 10 §1: a list id in a body answers 422 ``unknown_list`` on its field whether the list does not exist,
    is another organization's, or is one the caller may not access (a private list, an ungranted one): the answer
    never tells them apart. A list id in the path answers 404 in all three cases."""
    from conftest import sign_up
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    other, _ = sign_up(base_url)
    foreign = ok(other.post("/lists", json={"name": "Ailleurs"}), 201)["id"]
    private = ok(admin.post("/lists", json={"name": "Privée", "private": True}), 201)["id"]
    contact = ok(client.post("/contacts", json={"last_name": "Cible", "list_ids": [org["shared"]],
                                                "rep1_id": user_id}), 201)
    client.language = "en"
    for list_id in ("no-such-list", foreign, org["closed"], private):
        attempts = {
            "list_ids": [client.put("/me/selected-lists", json={"list_ids": [list_id]}),
                         client.post("/contacts", json={"last_name": "x", "list_ids": [list_id]}),
                         client.post("/accounts", json={"name": "x", "list_ids": [list_id]}),
                         client.put(f"/contacts/{contact['id']}/lists", json={"list_ids": [list_id]})],
            "list_id": [client.post("/contacts/bulk", json={"action": "copy_to_list", "ids": [contact["id"]],
                                                            "list_id": list_id})],
            "from_list_id": [client.post("/contacts/bulk", json={
                "action": "move_to_list", "ids": [contact["id"]], "list_id": org["shared"],
                "from_list_id": list_id})]}
        details = set()
        for field, responses in attempts.items():
            for response in responses:
                body = assert_problem(response, 422, fields=[field])
                details.add(body["errors"][field][0].replace(list_id, "<id>"))
        assert len(details) == 1, details
        for response in (client.patch(f"/lists/{list_id}", json={"name": "x"}), client.delete(f"/lists/{list_id}")):
            assert_problem(response, 404)
    assert ok(client.get(f"/contacts/{contact['id']}"))["list_ids"] == [org["shared"]]
