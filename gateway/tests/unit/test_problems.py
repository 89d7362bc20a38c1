"""RFC 9457 problems: their shape, language and headers, for every kind of failure (docs/rules/http-api.md, N-5)."""
import pytest
from conftest import open_session, principal
from flask import g

from carnet_common.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    TooManyRequests,
    Unauthorized,
)
from carnet_gateway import messages, problems
from carnet_gateway.rpc import BadGateway, GatewayTimeout


def test_a_problem_has_the_rfc_9457_members_and_our_code(app):
    with app.test_request_context("/x"):
        g.request_id = "req-1"
        response = problems.problem(404, "not_found")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json == {"type": "urn:carnet:problem:not-found", "title": "Not found", "status": 404,
                             "detail": "This resource does not exist.", "code": "not_found",
                             "request_id": "req-1"}


def test_field_errors_are_rendered_per_field_in_the_callers_language(app):
    with app.test_request_context("/x", headers={"Accept-Language": "fr-CA"}):
        response = problems.problem(422, "invalid_input", slug="validation", errors={
            "admin.password": ["password_length"], "name": ["Missing data for required field."],
            "plan": ["Must be one of: solo, team."]})
    body = response.json
    assert body["type"] == "urn:carnet:problem:validation"
    assert body["title"] == "Données invalides" and body["detail"] == "Certains champs sont invalides."
    assert body["errors"] == {"admin.password": ["Le mot de passe doit compter entre 12 et 256 caractères."],
                              "name": ["Champ obligatoire manquant."],
                              "plan": ["Doit être l'une des valeurs : solo, team."]}
    assert "request_id" not in body


def test_params_fill_the_detail_and_extra_headers_are_set(app):
    with app.test_request_context("/x"):
        response = problems.problem(413, "body_too_large", params={"limit": 10}, headers={"X-Extra": 1})
    assert response.json["detail"] == "The body is larger than 10 bytes."
    assert response.headers["X-Extra"] == "1"


@pytest.mark.parametrize(("header", "expected"), [
    ("fr", "fr"), ("fr-CA,fr;q=0.9", "fr"), ("en-US,en;q=0.9,fr;q=0.8", "en"), ("de, fr;q=0.5", "fr"),
    ("de", "en"), (None, "en")])
def test_the_language_comes_from_accept_language(app, header, expected):
    with app.test_request_context("/x", headers={"Accept-Language": header} if header else {}):
        assert problems.language() == expected


def test_without_accept_language_the_users_own_language_is_used(app):
    with app.test_request_context("/x"):
        g.principal = principal(language="fr")
        assert problems.language() == "fr"
    with app.test_request_context("/x", headers={"Accept-Language": "en"}):
        g.principal = principal(language="fr")
        assert problems.language() == "en"


@pytest.mark.parametrize(("error", "status", "type_", "headers"), [
    (InvalidInput(errors={"name": ["Unknown field."]}), 422, "validation", {}),
    (Unauthorized("session_invalid"), 401, "unauthorized", {"WWW-Authenticate": 'Bearer realm="carnet"'}),
    (Forbidden("admin_only"), 403, "forbidden", {}),
    (NotFound(), 404, "not-found", {}),
    (Conflict("username_taken"), 409, "conflict", {}),
    (TooManyRequests("login_throttled", params={"retry_after": 42}), 429, "rate-limited", {"Retry-After": "42"}),
    (ServiceUnavailable(params={"service": "identity"}), 503, "unavailable", {"Retry-After": "5"}),
    (ServiceUnavailable("database_unavailable"), 503, "unavailable", {"Retry-After": "5"}),
    (GatewayTimeout(params={"service": "identity"}), 504, "timeout", {"Retry-After": "5"}),
    (Conflict("idempotency_in_flight"), 409, "conflict", {"Retry-After": "1"}),
    (BadGateway(params={"service": "identity"}), 502, "bad-gateway", {}),
])
def test_each_carnet_error_becomes_its_problem(app, error, status, type_, headers):
    with app.test_request_context("/x"):
        response = problems.from_carnet_error(error)
    assert response.status_code == status == response.json["status"]
    assert response.json["type"] == f"urn:carnet:problem:{type_}"
    assert response.json["code"] == error.code
    assert response.json["detail"] == messages.render(error.code, "en", error.params)
    assert "{" not in response.json["detail"], "every placeholder of the message is filled"
    for name, value in headers.items():
        assert response.headers[name] == value


def test_an_unknown_route_and_a_wrong_method_are_problems(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "route_not_found"
    response = client.delete("/api/v1/me")
    assert response.status_code == 405 and response.json["code"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_an_unexpected_exception_is_a_500_problem_without_details(app, client, redis, rpc):
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal()
    rpc.answers[("identity", "list_users")] = RuntimeError("secret internals")
    response = client.get("/api/v1/users", headers={"Authorization": "Bearer tok", "X-Request-Id": "r-500"})
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "internal_error" and response.json["request_id"] == "r-500"
    assert response.json == {"type": "urn:carnet:problem:internal-error", "title": "Internal error", "status": 500,
                             "detail": "An unexpected error occurred.", "code": "internal_error",
                             "request_id": "r-500"}
    assert "secret" not in response.get_data(as_text=True)


def test_the_request_id_is_echoed_or_replaced(client):
    response = client.get("/api/v1/me", headers={"X-Request-Id": "abc-123"})
    assert response.headers["X-Request-Id"] == "abc-123" and response.json["request_id"] == "abc-123"
    for bad in ("x" * 65, "tab\there"):
        response = client.get("/api/v1/me", headers={"X-Request-Id": bad})
        assert response.headers["X-Request-Id"] not in ("", bad)
        assert response.json["request_id"] == response.headers["X-Request-Id"]
