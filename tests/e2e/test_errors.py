"""Every error path answers RFC 9457 ``application/problem+json``, in French or English (docs/rules/http-api.md,
N-1, N-5)."""
import time

import pytest
import requests
from conftest import (
    MAIN_SETTINGS,
    PASSWORD,
    Client,
    assert_problem,
    attempt_login,
    create_user,
    login,
    new_address,
    unique,
)

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}


def test_unknown_route_is_a_404_problem(base_url):
    for path in ("/api/v1/nothing-here", "/nothing-here", "/api/v2/me"):
        body = assert_problem(requests.get(base_url + path, timeout=10), 404, code="route_not_found")
        assert body["detail"] == "No such route."


def test_wrong_method_is_a_405_problem_with_allow(base_url, org):
    response = org["admin"].delete("/api/v1/me")
    assert_problem(response, 405, code="method_not_allowed")
    allowed = {m.strip() for m in response.headers["Allow"].split(",")}
    assert "GET" in allowed and "DELETE" not in allowed
    response = requests.put(base_url + "/api/v1/auth/login", json={}, timeout=10)
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_a_400_problem(base_url):
    for raw in (b"{", b'{"name": }', b"\xff\xfe", b"{'single': 'quotes'}"):
        response = requests.post(base_url + "/api/v1/organizations", data=raw,
                                 headers={"Content-Type": "application/json"}, timeout=10)
        assert_problem(response, 400, code="malformed_json")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b""])
def test_a_body_that_is_not_an_object_is_a_422_problem(base_url, body):
    response = requests.post(base_url + "/api/v1/organizations", data=body,
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert_problem(response, 422, code="json_object_expected")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_wrong_content_type_is_a_415_problem(base_url, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = requests.post(base_url + "/api/v1/auth/login", data=b'{"username": "a", "password": "b"}',
                             headers=headers, timeout=10)
    assert_problem(response, 415, code="unsupported_media_type")


def test_a_body_over_max_body_bytes_is_a_413_problem(base_url, org):
    limit = MAIN_SETTINGS["MAX_BODY_BYTES"]
    padding = "x" * (limit + 10)
    response = requests.post(base_url + "/api/v1/organizations", json={"name": padding}, timeout=10)
    body = assert_problem(response, 413, code="body_too_large")
    assert str(limit) in body["detail"]
    # On an authenticated route too, and under the limit the same body is judged on its content (422).
    # gunicorn drops the connection after leaving more than 64 KiB of a body unread (although the 413
    # says keep-alive), so the oversize request must not share a connection with the next one.
    assert_problem(org["admin"].post("/api/v1/roles", json={"name": padding}, headers={"Connection": "close"}),
                   413)
    assert_problem(org["admin"].post("/api/v1/roles", json={"name": "x" * (limit - 100)}), 422, fields=["name"])


def test_validation_errors_are_a_422_problem_listing_each_field(base_url):
    response = requests.post(base_url + "/api/v1/organizations", timeout=10, json={
        "name": "", "plan": "gold", "admin": {"username": "a", "password": "short", "email": "nope",
                                              "full_name": "Ok"}, "extra": 1})
    body = assert_problem(response, 422, code="invalid_input",
                          fields=["name", "plan", "admin.username", "admin.password", "admin.email", "extra"])
    assert body["type"] == "urn:carnet:problem:validation"
    assert body["errors"]["admin.password"] == ["The password must have between 12 and 256 characters."]
    assert body["errors"]["extra"] == ["Unknown field."]


def test_problems_are_in_french_by_accept_language(base_url):
    response = requests.post(base_url + "/api/v1/organizations", headers=FRENCH, timeout=10,
                             json={"admin": {"username": "abc", "password": "court", "full_name": "x",
                                             "email": "x@example.com"}})
    body = assert_problem(response, 422)
    assert body["title"] == "Données invalides"
    assert body["detail"] == "Certains champs sont invalides."
    assert body["errors"]["name"] == ["Champ obligatoire manquant."]
    assert body["errors"]["admin.password"] == ["Le mot de passe doit compter entre 12 et 256 caractères."]

    body = assert_problem(requests.get(base_url + "/api/v1/nope", headers=FRENCH, timeout=10), 404)
    assert body["detail"] == "Cette route n'existe pas." and body["title"] == "Introuvable"
    body = assert_problem(requests.get(base_url + "/api/v1/me", headers={"Accept-Language": "en"}, timeout=10),
                          401)
    assert body["title"] == "Authentication required"


def test_a_french_speaking_user_gets_french_problems_without_accept_language(base_url, org):
    user = create_user(org["admin"], language="fr")
    client = Client(base_url, token=login(base_url, user["username"]))
    body = assert_problem(client.get("/api/v1/users/no-such-user"), 404)
    assert body["detail"] == "Cette ressource n'existe pas."
    body = assert_problem(client.get("/api/v1/users/no-such-user", headers={"Accept-Language": "en"}), 404)
    assert body["detail"] == "This resource does not exist."


def test_authentication_problems_are_401_with_www_authenticate(base_url, org):
    cases = [{}, {"Authorization": "Bearer"}, {"Authorization": "Bearer   "}, {"Authorization": "Basic dTpw"},
             {"Authorization": "Bearer not-a-token"}, {"Authorization": "Bearer " + "x" * 600},
             {"Authorization": org["admin"].token}]
    for headers in cases:
        response = requests.get(base_url + "/api/v1/me", headers=headers, timeout=10)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_password_is_a_401_problem(base_url, org):
    body = assert_problem(attempt_login(base_url, org["user"]["username"], "wrong-password-123"), 401,
                          code="invalid_credentials")
    same = assert_problem(attempt_login(base_url, unique("nobody"), "wrong-password-123"), 401)
    assert same["detail"] == body["detail"], "an unknown username must look like a wrong password"


def test_login_is_throttled_per_username(base_url, org):
    username = org["user"]["username"]
    for _ in range(MAIN_SETTINGS["LOGIN_MAX_FAILURES_PER_USER"]):
        assert_problem(attempt_login(base_url, username, "wrong-password-123"), 401)
    # From any address, even with the right password, until the window ends.
    response = attempt_login(base_url, username.upper(), PASSWORD)
    body = assert_problem(response, 429, code="login_throttled")
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 900
    assert str(retry_after) in body["detail"]
    # Other users are not affected.
    other = create_user(org["admin"])
    assert attempt_login(base_url, other["username"]).status_code == 200


def test_login_is_throttled_per_address(base_url, org):
    address = new_address()
    for _ in range(MAIN_SETTINGS["LOGIN_MAX_FAILURES_PER_IP"]):
        assert_problem(attempt_login(base_url, unique("nobody"), "wrong-password-123", address=address), 401)
    response = attempt_login(base_url, org["user"]["username"], PASSWORD, address=address, **FRENCH)
    body = assert_problem(response, 429, code="login_throttled")
    assert int(response.headers["Retry-After"]) > 0
    assert body["detail"].startswith("Trop de tentatives de connexion")
    assert attempt_login(base_url, org["user"]["username"], PASSWORD).status_code == 200


def test_login_attempts_per_address_and_minute_are_capped(base_url, org):
    cap = MAIN_SETTINGS["LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE"]
    for _ in range(3):  # attempts that straddle two minutes prove nothing: again, from a fresh address (no sleep)
        address, minute = new_address(), int(time.time() // 60)
        statuses = [attempt_login(base_url, org["user"]["username"], address=address).status_code
                    for _ in range(cap)]
        response = attempt_login(base_url, org["user"]["username"], address=address)
        if int(time.time() // 60) == minute:
            break
    else:
        raise AssertionError("three series of attempts each straddled a minute")
    assert statuses == [200] * cap
    assert_problem(response, 429, code="login_throttled")
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_conflicts_are_409_problems(base_url, org):
    taken = org["user"]["username"]
    response = requests.post(base_url + "/api/v1/organizations", timeout=10, json={
        "name": "Copie", "admin": {"username": taken.upper(), "password": PASSWORD, "full_name": "X",
                                   "email": "x@example.com"}})
    assert_problem(response, 409, code="username_taken", fields=["admin.username"])
    role = org["admin"].post("/api/v1/roles", json={"name": "Ventes"})
    assert role.status_code == 201
    assert_problem(org["admin"].post("/api/v1/roles", json={"name": "VENTES"}), 409, code="role_name_taken",
                   fields=["name"])


def test_the_client_request_id_comes_back_in_header_and_problem(base_url):
    response = requests.get(base_url + "/api/v1/me", headers={"X-Request-Id": "e2e-trace-42"}, timeout=10)
    body = assert_problem(response, 401)
    assert response.headers["X-Request-Id"] == "e2e-trace-42"
    assert body["request_id"] == "e2e-trace-42"
    ok = requests.get(base_url + "/healthz", headers={"X-Request-Id": "e2e-trace-43"}, timeout=10)
    assert ok.headers["X-Request-Id"] == "e2e-trace-43"


def test_an_unusable_request_id_is_replaced_by_a_fresh_one(base_url):
    response = requests.get(base_url + "/api/v1/me", headers={"X-Request-Id": "x" * 65}, timeout=10)
    body = assert_problem(response, 401)
    generated = response.headers["X-Request-Id"]
    assert generated and generated != "x" * 65 and body["request_id"] == generated
    other = requests.get(base_url + "/api/v1/me", timeout=10)
    assert other.headers["X-Request-Id"] not in ("", generated)
