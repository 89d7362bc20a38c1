"""Trying to break authorization: other organizations, non-admins, stale and revoked tokens, permission
changes (S-3, S-9, S-10, DOC-1, docs/rules/http-api.md: 404 for what the caller may not see)."""
from conftest import PASSWORD, Client, assert_problem, attempt_login, create_user, login, sign_up, unique


def test_another_organizations_user_is_not_found_for_get_patch_and_delete(base_url, org):
    other_admin, other = sign_up(base_url)
    victim = create_user(other_admin)
    admin = org["admin"]
    for target in (victim["id"], other["user"]["id"]):
        before = other_admin.get(f"/api/v1/users/{target}").json()
        assert_problem(admin.get(f"/api/v1/users/{target}"), 404, code="not_found")
        assert_problem(admin.patch(f"/api/v1/users/{target}", json={"full_name": "Hacked", "active": False}),
                       404, code="not_found")
        assert_problem(admin.delete(f"/api/v1/users/{target}"), 404, code="not_found")
        assert other_admin.get(f"/api/v1/users/{target}").json() == before
    # The answer is the same as for an id that exists nowhere: nothing reveals the other organization.
    absent = admin.get("/api/v1/users/00000000-0000-0000-0000-000000000000").json()
    foreign = admin.get(f"/api/v1/users/{victim['id']}").json()
    assert {k: v for k, v in absent.items() if k != "request_id"} == \
        {k: v for k, v in foreign.items() if k != "request_id"}
    assert victim["id"] not in [u["id"] for u in admin.get("/api/v1/users").json()["items"]]
    assert attempt_login(base_url, victim["username"]).status_code == 200


def test_another_organizations_role_is_not_found_and_cannot_be_assigned(base_url, org):
    other_admin, _ = sign_up(base_url)
    foreign_role = other_admin.post("/api/v1/roles", json={"name": unique("r")}).json()
    before = other_admin.get(f"/api/v1/roles/{foreign_role['id']}/permissions").json()
    admin = org["admin"]
    path = f"/api/v1/roles/{foreign_role['id']}"
    assert_problem(admin.get(path + "/permissions"), 404)
    assert_problem(admin.put(path + "/permissions", json={"modules": {"settings": {"read": True}}}), 404)
    assert_problem(admin.patch(path, json={"name": "Volé"}), 404)
    assert_problem(admin.delete(path), 404)
    assert other_admin.get(path + "/permissions").json() == before
    assert [r["name"] for r in other_admin.get("/api/v1/roles").json()] == [foreign_role["name"]]
    # Nor can a user be given it, or be placed under another organization's user.
    mine = create_user(admin)
    assert_problem(admin.patch(f"/api/v1/users/{mine['id']}", json={"role_id": foreign_role["id"]}), 422,
                   fields=["role_id"])
    other_user = create_user(other_admin)
    assert_problem(admin.patch(f"/api/v1/users/{mine['id']}", json={"manager_id": other_user["id"]}), 422,
                   fields=["manager_id"])
    assert_problem(admin.post("/api/v1/users", json={
        "username": unique(), "password": PASSWORD, "full_name": "X", "email": "x@example.com",
        "role_id": foreign_role["id"]}), 422, fields=["role_id"])
    assert admin.get(f"/api/v1/users/{mine['id']}").json() == mine


def test_a_non_admin_cannot_manage_users_or_roles(org, member):
    client, role = member["client"], member["role"]
    colleague = create_user(org["admin"])
    new_user = {"username": unique(), "password": PASSWORD, "full_name": "X", "email": "x@example.com"}
    attempts = [
        client.post("/api/v1/users", json=new_user),
        client.patch(f"/api/v1/users/{colleague['id']}", json={"full_name": "Renamed"}),
        client.patch(f"/api/v1/users/{colleague['id']}", json={"active": False}),
        client.delete(f"/api/v1/users/{colleague['id']}"),
        client.get("/api/v1/roles"),
        client.post("/api/v1/roles", json={"name": "Mine"}),
        client.patch(f"/api/v1/roles/{role['id']}", json={"name": "Mine"}),
        client.delete(f"/api/v1/roles/{role['id']}"),
        client.get(f"/api/v1/roles/{role['id']}/permissions"),
        client.put(f"/api/v1/roles/{role['id']}/permissions", json={"modules": {"settings": {"write": True}}}),
        client.patch("/api/v1/organization", json={"plan": "integral"}),
        client.get("/api/v1/audit"),
    ]
    for response in attempts:
        assert_problem(response, 403)
    assert org["admin"].get(f"/api/v1/users/{colleague['id']}").json() == colleague
    assert [r["name"] for r in org["admin"].get("/api/v1/roles").json()] == [role["name"]]
    assert org["admin"].get(f"/api/v1/roles/{role['id']}/permissions").json()["modules"]["settings"]["write"] \
        is False
    assert org["admin"].get("/api/v1/organization").json()["plan"] == org["organization"]["plan"]
    assert new_user["username"] not in [u["username"] for u in org["admin"].get("/api/v1/users").json()["items"]]
    # What every user may do: see the organization and its users (reps are chosen among them).
    assert client.get("/api/v1/users").status_code == 200
    assert client.get(f"/api/v1/users/{colleague['id']}").status_code == 200
    assert client.get("/api/v1/organization").status_code == 200


def test_a_non_admin_cannot_raise_their_own_rights(base_url, org, member):
    client, me = member["client"], member["user"]
    other_role = org["admin"].post("/api/v1/roles", json={"name": unique("boss")}).json()
    before = org["admin"].get(f"/api/v1/users/{me['id']}").json()
    for change in ({"is_admin": True}, {"role_id": other_role["id"]}, {"role_id": None}, {"active": True},
                   {"all_contacts": True}, {"manager_id": None}, {"username": unique()},
                   {"full_name": "Moi", "is_admin": True}):
        assert_problem(client.patch(f"/api/v1/users/{me['id']}", json=change), 403, code="admin_only")
    assert org["admin"].get(f"/api/v1/users/{me['id']}").json() == before
    assert client.get("/api/v1/me").json()["is_admin"] is False


def test_a_deactivated_users_old_token_is_refused_at_once(base_url, org, member):
    client = member["client"]
    assert client.get("/api/v1/me").status_code == 200
    second = Client(base_url, token=login(base_url, member["user"]["username"]))
    assert org["admin"].patch(f"/api/v1/users/{member['user']['id']}", json={"active": False}).status_code == 200
    for session in (client, second):
        assert_problem(session.get("/api/v1/me"), 401, code="session_invalid")
        assert_problem(session.get("/api/v1/users"), 401)
    # Reactivated, the old tokens stay dead; a new login works.
    assert org["admin"].patch(f"/api/v1/users/{member['user']['id']}", json={"active": True}).status_code == 200
    assert_problem(client.get("/api/v1/me"), 401)
    assert attempt_login(base_url, member["user"]["username"]).status_code == 200


def test_a_token_is_refused_after_logout_and_other_sessions_survive(base_url, member):
    other = Client(base_url, token=login(base_url, member["user"]["username"]))
    client = member["client"]
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert_problem(client.get("/api/v1/me"), 401, code="session_invalid")
    assert_problem(client.post("/api/v1/auth/logout"), 401)
    assert other.get("/api/v1/me").status_code == 200


def test_a_permission_change_applies_at_the_very_next_request(base_url, org, member):
    admin, client, role = org["admin"], member["client"], member["role"]
    assert client.get("/api/v1/me").json()["permissions"]["modules"]["contacts"]["read"] is True  # now cached
    path = f"/api/v1/roles/{role['id']}/permissions"
    revoked = admin.put(path, json={"modules": {"contacts": {"read": False, "write": True},
                                                "accounts": {"read": True}}})
    assert revoked.status_code == 200, revoked.text
    permissions = client.get("/api/v1/me").json()["permissions"]
    assert permissions["modules"]["contacts"] == {"read": False, "write": True, "delete": False, "export": False}
    assert permissions["modules"]["accounts"]["read"] is True
    assert permissions["modules"]["opportunities"]["read"] is False

    hidden = admin.put(path, json={"modules": {"contacts": {"read": True}},
                                   "fields": {"contacts.email": {"read": False, "write": True}}})
    assert hidden.json()["fields"]["contacts.email"] == {"read": False, "write": False}
    assert client.get("/api/v1/me").json()["permissions"]["fields"]["contacts.email"] == \
        {"read": False, "write": False}

    # A role change and a flag change apply at the next request too.
    other_role = admin.post("/api/v1/roles", json={"name": unique("r")}).json()
    admin.patch(f"/api/v1/users/{member['user']['id']}", json={"role_id": other_role["id"], "all_contacts": True})
    me = client.get("/api/v1/me").json()
    assert me["role"]["id"] == other_role["id"] and me["flags"]["all_contacts"] is True
    assert me["permissions"]["modules"]["contacts"]["read"] is True  # a new role's defaults
    admin.patch(f"/api/v1/users/{member['user']['id']}", json={"is_admin": True})
    assert client.get("/api/v1/me").json()["is_admin"] is True
    assert client.get("/api/v1/roles").status_code == 200


def test_a_user_without_a_role_has_no_permission(base_url, org):
    user = create_user(org["admin"])
    me = Client(base_url, token=login(base_url, user["username"])).get("/api/v1/me").json()
    assert me["role"] is None
    assert not any(any(actions.values()) for actions in me["permissions"]["modules"].values())


def test_the_last_administrator_cannot_be_removed(base_url, org):
    admin, me = org["admin"], org["user"]
    assert_problem(admin.patch(f"/api/v1/users/{me['id']}", json={"is_admin": False}), 409, code="last_admin")
    assert_problem(admin.patch(f"/api/v1/users/{me['id']}", json={"active": False}), 409, code="last_admin")
    assert_problem(admin.delete(f"/api/v1/users/{me['id']}"), 409)
    assert admin.get("/api/v1/me").json()["is_admin"] is True
