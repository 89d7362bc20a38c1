"""Bad input gets a clear 4xx problem naming the field, never a 5xx, and nothing stored changes (N-1)."""
import json

import pytest
import requests
from conftest import PASSWORD, assert_problem, attempt_login, create_user, new_address, sign_up, unique


def snapshot(admin):
    """Everything an organization's administrator can read about identity."""
    users = admin.get("/api/v1/users", params={"per_page": 200}).json()
    roles = admin.get("/api/v1/roles").json()
    return {"users": users, "roles": roles, "organization": admin.get("/api/v1/organization").json(),
            "permissions": {r["id"]: admin.get(f"/api/v1/roles/{r['id']}/permissions").json() for r in roles}}


def make_team(base_url):
    """An organization with a role, a manager and a report."""
    admin, created = sign_up(base_url)
    role = admin.post("/api/v1/roles", json={"name": "Ventes"}).json()
    boss = create_user(admin, role_id=role["id"])
    report = create_user(admin, role_id=role["id"], manager_id=boss["id"])
    return {"admin": admin, "role": role, "boss": boss, "report": report, "me": created["user"]}


@pytest.fixture(scope="module")
def shared_team(base_url):
    """For tests whose requests are all refused: they check that nothing changed, so they can share it."""
    return make_team(base_url)


@pytest.fixture
def team(base_url):
    """For tests that change the organization once the refusals are checked."""
    return make_team(base_url)


def user_body(**overrides):
    username = unique()
    return {"username": username, "password": PASSWORD, "full_name": "Nom Complet",
            "email": f"{username}@example.com", **overrides}


LONG = "x" * 201
USER_CASES = [
    ({"full_name": ""}, "full_name"),
    ({"full_name": "   "}, "full_name"),
    ({"full_name": LONG}, "full_name"),
    ({"full_name": None}, "full_name"),
    ({"full_name": 42}, "full_name"),
    ({"username": "ab"}, "username"),
    ({"username": "a" * 151}, "username"),
    ({"username": "marie tremblay"}, "username"),
    ({"username": ["marie"]}, "username"),
    ({"email": "marie@"}, "email"),
    ({"email": "pas-un-courriel"}, "email"),
    ({"email": "a" * 250 + "@example.com"}, "email"),
    ({"password": "only-11-chr"}, "password"),
    ({"password": "p" * 257}, "password"),
    ({"password": 123456789012}, "password"),
    ({"active": "yes"}, "active"),
    ({"active": 1}, "active"),
    ({"is_admin": "true"}, "is_admin"),
    ({"all_contacts": None}, "all_contacts"),
    ({"language": "de"}, "language"),
    ({"role_id": ""}, "role_id"),
    ({"role_id": 7}, "role_id"),
    ({"role_id": "r" * 65}, "role_id"),
    ({"role_id": "no-such-role"}, "role_id"),
    ({"manager_id": "no-such-user"}, "manager_id"),
    ({"org_id": "another-org"}, "org_id"),
    ({"id": "chosen-id"}, "id"),
    ({"password_hash": "x"}, "password_hash"),
    ({"created_at": "2020-01-01"}, "created_at"),
    ({"full_name": "a\u0000b"}, "full_name"),
]


@pytest.mark.parametrize(("change", "field"), USER_CASES)
def test_a_bad_user_is_refused_by_field_and_nothing_changes(shared_team, change, field):
    admin = shared_team["admin"]
    before = snapshot(admin)
    assert_problem(admin.post("/api/v1/users", json=user_body(**change)), 422, fields=[field])
    assert_problem(admin.patch(f"/api/v1/users/{shared_team['report']['id']}", json=change), 422, fields=[field])
    assert snapshot(admin) == before


def test_missing_required_fields_are_each_named(shared_team):
    body = assert_problem(shared_team["admin"].post("/api/v1/users", json={}), 422)
    assert set(body["errors"]) == {"username", "password", "full_name", "email"}
    assert body["errors"]["username"] == ["Missing data for required field."]


def test_a_taken_username_is_a_409_whatever_its_case(base_url, team):
    admin, before = team["admin"], snapshot(team["admin"])
    assert_problem(admin.post("/api/v1/users", json=user_body(username=team["boss"]["username"].upper())), 409,
                   code="username_taken", fields=["username"])
    assert_problem(admin.patch(f"/api/v1/users/{team['report']['id']}",
                               json={"username": team["boss"]["username"], "current_password": PASSWORD}), 409,
                   fields=["username"])
    # Usernames are unique across the installation, not only in one organization (docs/rules/http-api.md).
    other_admin, _ = sign_up(base_url)
    assert_problem(other_admin.post("/api/v1/users", json=user_body(username=team["report"]["username"])), 409)
    assert snapshot(admin) == before
    # Renaming to one's own name in another case is no conflict.
    renamed = admin.patch(f"/api/v1/users/{team['boss']['id']}", json={"username": team["boss"]["username"].upper(),
                                                                        "current_password": PASSWORD})
    assert renamed.status_code == 200, renamed.text


def test_a_manager_that_would_make_a_cycle_is_refused_naming_manager_id(team):
    admin, boss, report = team["admin"], team["boss"], team["report"]
    below = create_user(admin, manager_id=report["id"])
    before = snapshot(admin)
    for user, manager in ((boss, report), (boss, below), (report, below), (report, report)):
        body = assert_problem(admin.patch(f"/api/v1/users/{user['id']}", json={"manager_id": manager["id"]}),
                              409, code="manager_cycle", fields=["manager_id"])  # the stored hierarchy (issue 10 §5)
        assert body["errors"]["manager_id"] == ["This manager would put the user under themselves."]
    french = admin.patch(f"/api/v1/users/{boss['id']}", json={"manager_id": below["id"]},
                         headers={"Accept-Language": "fr"})
    assert assert_problem(french, 409)["errors"]["manager_id"] == \
        ["Ce responsable placerait l'utilisateur sous lui-même."]
    assert snapshot(admin) == before
    # Moving a branch elsewhere is fine: the report leaves the boss, and the boss may now go under them.
    assert admin.patch(f"/api/v1/users/{report['id']}", json={"manager_id": None}).status_code == 200
    assert admin.patch(f"/api/v1/users/{boss['id']}", json={"manager_id": below["id"]}).status_code == 200


def test_a_role_still_held_cannot_be_deleted(team):
    admin, role = team["admin"], team["role"]
    before = snapshot(admin)
    body = assert_problem(admin.delete(f"/api/v1/roles/{role['id']}"), 409, code="role_in_use")
    assert "2" in body["detail"]
    assert snapshot(admin) == before
    for user in (team["boss"], team["report"]):
        admin.patch(f"/api/v1/users/{user['id']}", json={"role_id": None})
    assert admin.delete(f"/api/v1/roles/{role['id']}").status_code == 204


ROLE_CASES = [
    ({"name": ""}, "name"),
    ({"name": "n" * 101}, "name"),
    ({"name": 5}, "name"),
    ({}, "name"),
    ({"name": "ok", "permissions": {}}, "permissions"),
]


@pytest.mark.parametrize(("body", "field"), ROLE_CASES)
def test_a_bad_role_is_refused_by_field(shared_team, body, field):
    admin, before = shared_team["admin"], snapshot(shared_team["admin"])
    assert_problem(admin.post("/api/v1/roles", json=body), 422, fields=[field])
    assert_problem(admin.patch(f"/api/v1/roles/{shared_team['role']['id']}", json=body), 422, fields=[field])
    assert snapshot(admin) == before


PERMISSION_CASES = [
    ({"modules": {"crm": {"read": True}}}, "modules"),
    ({"modules": {"contacts": {"approve": True}}}, "modules"),
    ({"modules": {"contacts": {"read": "yes"}}}, "modules"),
    ({"modules": {"contacts": True}}, "modules"),
    ({"modules": []}, "modules"),
    ({"fields": {"contacts.Title": {"read": False}}}, "fields"),
    ({"fields": {"users.password": {"read": True}}}, "fields"),
    ({"fields": {"contacts.title": {"export": True}}}, "fields"),
    ({"special": {"primary_contact_acomba": {"read": True}}}, "special"),
    ({"special": {"god_mode": {"write": True}}}, "special"),
    ({"everything": True}, "everything"),
]


@pytest.mark.parametrize(("body", "field"), PERMISSION_CASES)
def test_bad_permissions_are_refused_and_the_role_keeps_its_own(shared_team, body, field):
    admin, before = shared_team["admin"], snapshot(shared_team["admin"])
    response = admin.put(f"/api/v1/roles/{shared_team['role']['id']}/permissions", json=body)
    problem = assert_problem(response, 422)
    assert any(key == field or key.startswith(field + ".") for key in problem["errors"]), problem
    assert snapshot(admin) == before


SIGNUP_CASES = [
    ({"name": ""}, "name"),
    ({"name": "n" * 201}, "name"),
    ({"plan": "gold"}, "plan"),
    ({"admin": None}, "admin"),
    ({"admin": "marie"}, "admin"),
    ({"admin": {}}, "admin.username"),
    ({"owner": {}}, "owner"),
]


@pytest.mark.parametrize(("change", "field"), SIGNUP_CASES)
def test_a_bad_sign_up_creates_nothing(base_url, change, field):
    username = unique()
    body = {"name": "Org", "admin": {"username": username, "password": PASSWORD, "full_name": "X",
                                     "email": f"{username}@example.com"}, **change}
    response = requests.post(base_url + "/api/v1/organizations", json=body, timeout=10)
    problem = assert_problem(response, 422)
    assert any(key == field or key.startswith(field + ".") for key in problem["errors"]), problem
    assert_problem(attempt_login(base_url, username), 401, code="invalid_credentials")


@pytest.mark.parametrize("query", ["page=0", "page=abc", "per_page=201", "per_page=-1", "page=99999999999999999",
                                   "active=maybe", "q=" + "q" * 201, "sort=name", "page=1&unknown=2"])
def test_bad_query_parameters_are_refused_by_name(shared_team, query):
    response = shared_team["admin"].get("/api/v1/users?" + query)
    name = query.split("&")[-1].split("=")[0]
    assert_problem(response, 422, fields=[name])


def test_unstorable_characters_are_refused_not_failed_on(base_url, shared_team):
    """NUL and unpaired surrogates are valid JSON that PostgreSQL text cannot hold: a 4xx, not a 5xx."""
    admin, report = shared_team["admin"], shared_team["report"]
    before = snapshot(admin)
    headers = {"Content-Type": "application/json"}
    raw_cases = [
        ("PATCH", f"/api/v1/users/{report['id']}", '{"full_name": "a\\u0000b"}', "full_name"),
        ("PATCH", f"/api/v1/users/{report['id']}", '{"full_name": "a\\ud800b"}', "full_name"),
        ("PATCH", f"/api/v1/users/{report['id']}", '{"role_id": "\\u0000"}', "role_id"),
        ("PATCH", f"/api/v1/users/{report['id']}", '{"manager_id": "x\\udfff"}', "manager_id"),
        ("PATCH", "/api/v1/organization", '{"city": "Montr\\u0000al"}', "city"),
        ("POST", "/api/v1/roles", '{"name": "\\ud83d"}', "name"),
        ("PUT", f"/api/v1/roles/{shared_team['role']['id']}/permissions",
         '{"fields": {"contacts.\\u0000": {"read": true}}}', "fields"),
    ]
    for method, path, raw, field in raw_cases:
        problem = assert_problem(admin.request(method, path, data=raw.encode(), headers=headers), 422)
        assert any(key == field or key.startswith(field + ".") for key in problem["errors"]), (raw, problem)
    for path in ("/api/v1/users/%00", f"/api/v1/users/{report['id']}%00", "/api/v1/roles/x%00/permissions"):
        assert_problem(admin.get(path), 404)
    assert_problem(admin.get("/api/v1/users?q=%00"), 422, fields=["q"])
    signup = json.dumps({"name": "x\u0000", "admin": {"username": unique(), "password": PASSWORD,
                                                      "full_name": "a", "email": "a@example.com"}})
    assert_problem(requests.post(base_url + "/api/v1/organizations", data=signup, headers=headers, timeout=10),
                   422, fields=["name"])
    for username, password, field in (("a\u0000b", PASSWORD, "username"), (report["username"], "\ud800" * 12,
                                                                            "password")):
        body = json.dumps({"username": username, "password": password})
        response = requests.post(base_url + "/api/v1/auth/login", data=body, timeout=10,
                                 headers={**headers, "X-Forwarded-For": new_address()})
        assert_problem(response, 422, fields=[field])
    assert snapshot(admin) == before


def test_deeply_nested_json_is_a_client_error(shared_team):
    for depth in (100, 5000):
        raw = '{"name": ' + "[" * depth + "]" * depth + "}"
        response = shared_team["admin"].post("/api/v1/roles", data=raw, headers={"Content-Type": "application/json"})
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["Content-Type"].startswith("application/problem+json")
