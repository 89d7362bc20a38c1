"""The foundation as a client uses it, over HTTP only: sign up, log in, roles and permissions, users,
deactivation, hierarchy, log out (docs/rules/identity-and-access.md, docs/rules/http-api.md)."""
from datetime import datetime, timezone

import requests
from conftest import PASSWORD, Client, assert_problem, attempt_login, create_user, login, unique


def test_an_organization_is_set_up_and_run_over_http_only(base_url):
    username = unique("founder")
    signup = {"name": "Les Entreprises Gagnon inc.", "plan": "growth", "language": "fr",
              "admin": {"username": username, "password": PASSWORD, "full_name": "Marie Gagnon",
                        "email": f"{username}@example.com", "language": "fr"}}

    created = requests.post(base_url + "/api/v1/organizations", json=signup, timeout=30)
    assert created.status_code == 201, created.text
    organization, founder = created.json()["organization"], created.json()["user"]
    assert organization["name"] == "Les Entreprises Gagnon inc."
    assert organization["plan"] == "growth" and organization["limits"]["seats"] == 25
    assert founder["username"] == username and founder["is_admin"] is True and founder["active"] is True
    assert founder["org_id"] == organization["id"]
    assert "password" not in founder and "password_hash" not in founder

    logged_in = attempt_login(base_url, username)
    assert logged_in.status_code == 200, logged_in.text
    session = logged_in.json()
    assert session["user"]["id"] == founder["id"]
    assert datetime.fromisoformat(session["expires_at"]) > datetime.now(timezone.utc)
    admin = Client(base_url, token=session["token"])

    me = admin.get("/api/v1/me")
    assert me.status_code == 200, me.text
    me = me.json()
    assert me["user"]["id"] == founder["id"] and me["is_admin"] is True and me["role"] is None
    assert me["organization"]["id"] == organization["id"]
    assert all(all(actions.values()) for actions in me["permissions"]["modules"].values())
    assert me["flags"] == {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False}

    # A role and its permissions (S-2, S-3).
    role = admin.post("/api/v1/roles", json={"name": "Ventes"})
    assert role.status_code == 201, role.text
    role = role.json()
    assert role["name"] == "Ventes" and role["user_count"] == 0
    permissions = {"modules": {"contacts": {"read": True, "write": True, "delete": False, "export": False},
                               "tasks": {"read": True}},
                   "fields": {"contacts.title": {"read": True, "write": False}},
                   "special": {"primary_contact": {"read": True, "write": False}}}
    stored = admin.put(f"/api/v1/roles/{role['id']}/permissions", json=permissions)
    assert stored.status_code == 200, stored.text
    stored = stored.json()
    assert stored["modules"]["contacts"] == {"read": True, "write": True, "delete": False, "export": False}
    assert stored["modules"]["tasks"] == {"read": True, "write": False, "delete": False, "export": False}
    assert stored["modules"]["settings"] == {"read": False, "write": False, "delete": False, "export": False}
    assert stored["fields"] == {"contacts.title": {"read": True, "write": False}}
    assert admin.get(f"/api/v1/roles/{role['id']}/permissions").json() == stored
    renamed = admin.patch(f"/api/v1/roles/{role['id']}", json={"name": "Ventes Québec"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Ventes Québec"

    # Users in a hierarchy (S-1, S-4, S-5).
    director = create_user(admin, full_name="Jean Directeur", role_id=role["id"], hierarchy_contacts=True)
    rep = create_user(admin, full_name="Luc Représentant", role_id=role["id"], manager_id=director["id"])
    junior = create_user(admin, full_name="Léa Junior", role_id=role["id"])
    assert rep["manager_id"] == director["id"] and rep["is_admin"] is False and rep["active"] is True
    assert director["hierarchy_contacts"] is True
    placed = admin.patch(f"/api/v1/users/{junior['id']}", json={"manager_id": rep["id"]})
    assert placed.status_code == 200, placed.text
    assert placed.json()["manager_id"] == rep["id"]
    assert admin.get(f"/api/v1/users/{junior['id']}").json()["manager_id"] == rep["id"]

    director_view = Client(base_url, token=login(base_url, director["username"])).get("/api/v1/me").json()
    assert sorted(director_view["subordinate_ids"]) == sorted([rep["id"], junior["id"]])
    assert director_view["role"]["name"] == "Ventes Québec" and director_view["is_admin"] is False
    assert director_view["permissions"]["modules"]["contacts"]["write"] is True
    assert director_view["permissions"]["modules"]["contacts"]["delete"] is False
    assert director_view["permissions"]["fields"]["contacts.title"] == {"read": True, "write": False}
    assert director_view["flags"]["hierarchy_contacts"] is True

    listed = admin.get("/api/v1/users", params={"per_page": 2})
    assert listed.status_code == 200, listed.text
    assert listed.json()["total"] == 4 and len(listed.json()["items"]) == 2
    assert admin.get("/api/v1/roles").json()[0]["user_count"] == 3

    # Deactivation: still a user of the organization, no more login (S-1).
    deactivated = admin.patch(f"/api/v1/users/{junior['id']}", json={"active": False})
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    # The same answer as a wrong password, though this one is right (S-10: it is not confirmed).
    assert_problem(attempt_login(base_url, junior["username"]), 401, code="invalid_credentials")
    inactive = admin.get("/api/v1/users", params={"active": "false"}).json()
    assert [u["id"] for u in inactive["items"]] == [junior["id"]]

    # Log out: the token is revoked at once.
    assert admin.post("/api/v1/auth/logout").status_code == 204
    assert_problem(admin.get("/api/v1/me"), 401, code="session_invalid")


def test_a_user_edits_their_own_profile_but_an_admin_deletes_users_and_free_roles(org, member, base_url):
    own = member["client"].patch(f"/api/v1/users/{member['user']['id']}",
                                 json={"full_name": "  Nouveau Nom  ", "language": "fr"})
    assert own.status_code == 200, own.text
    assert own.json()["full_name"] == "Nouveau Nom" and own.json()["language"] == "fr"
    new_password = "another-long-password"
    changed = member["client"].patch(f"/api/v1/users/{member['user']['id']}",
                                     json={"password": new_password, "current_password": PASSWORD})
    assert changed.status_code == 200 and "password" not in changed.json()
    assert attempt_login(base_url, member["user"]["username"], new_password).status_code == 200

    admin = org["admin"]
    spare = admin.post("/api/v1/roles", json={"name": unique("spare")}).json()
    assert admin.delete(f"/api/v1/roles/{spare['id']}").status_code == 204
    assert spare["id"] not in [r["id"] for r in admin.get("/api/v1/roles").json()]

    assert admin.delete(f"/api/v1/users/{member['user']['id']}").status_code == 204
    assert_problem(admin.get(f"/api/v1/users/{member['user']['id']}"), 404)
    assert_problem(member["client"].get("/api/v1/me"), 401)
    assert_problem(attempt_login(base_url, member["user"]["username"], new_password), 401,
                   code="invalid_credentials")
