"""The route registry: what a declared route accepts and refuses before its view runs (docs/rules/http-api.md, N-1)."""
import pytest
from conftest import open_session, principal, registry_app
from marshmallow import ValidationError, fields, validate

from carnet_common.contracts import Contract
from carnet_gateway import api as api_module
from carnet_gateway.api import ADMIN, PUBLIC, USER, Api


class ThingWrite(Contract):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    secret = fields.String(load_only=True)
    tags = fields.List(fields.String())


class ThingRead(ThingWrite):
    id = fields.String()


class ThingQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))


@pytest.fixture
def registry():
    registry = Api()
    seen = []

    @registry.route("/things", "POST", auth=PUBLIC, body=ThingWrite, response=ThingRead, status=201,
                    summary="Create", tags=("things",))
    def create(call):
        seen.append(call)
        return {"id": "t1", **call.body}

    @registry.route("/things", "GET", auth=PUBLIC, query=ThingQuery, summary="List", tags=("things",))
    def list_things(call):
        seen.append(call)
        return {"page": call.query["page"]}

    @registry.route("/things/{thing_id}", "GET", auth=PUBLIC, summary="One", tags=("things",))
    def get_thing(call):
        seen.append(call)
        return {"id": call.path["thing_id"]}

    @registry.route("/things/{thing_id}/archive", "POST", auth=USER, status=204, summary="Archive",
                    tags=("things",))
    def archive(call):
        seen.append(call)
        registry.actors.append(call.actor())

    @registry.route("/admin-things", "POST", auth=ADMIN, body=ThingWrite, summary="Admin", tags=("things",))
    def admin_create(call):
        seen.append(call)
        return {}

    registry.seen, registry.actors = seen, []
    return registry


@pytest.fixture
def app(registry, redis, rpc):
    return registry_app(registry, redis, rpc, MAX_CONTENT_LENGTH=8192)


def test_a_route_loads_its_body_and_dumps_its_response(client, registry):
    response = client.post("/api/v1/things", json={"name": "Chaise", "secret": "s", "tags": ["a"]})
    assert response.status_code == 201
    assert response.json == {"name": "Chaise", "tags": ["a"], "id": "t1"}, "load_only fields are never dumped"
    assert registry.seen[0].body == {"name": "Chaise", "secret": "s", "tags": ["a"]}


def test_unknown_query_parameters_are_refused_on_routes_without_a_query_schema(client, registry):
    response = client.get("/api/v1/things/t1?expand=all&debug=1")
    assert response.status_code == 422
    assert response.json["errors"] == {"expand": ["Unknown field."], "debug": ["Unknown field."]}
    assert registry.seen == []


def test_unknown_query_parameters_are_refused_beside_known_ones(client, registry):
    response = client.get("/api/v1/things?page=2&sort=name")
    assert response.status_code == 422
    assert response.json["errors"] == {"sort": ["Unknown field."]}
    assert client.get("/api/v1/things?page=2").json == {"page": 2}
    assert client.get("/api/v1/things").json == {"page": 1}


def test_query_parsing_reports_each_bad_parameter(registry):
    operation = next(op for op in registry.operations if op.query is ThingQuery)
    with pytest.raises(ValidationError) as caught:
        api_module._load_query(operation, {"page": "0", "x": "1"})
    assert set(caught.value.messages) == {"page", "x"}
    no_query = next(op for op in registry.operations if op.path == "/things/{thing_id}")
    with pytest.raises(ValidationError) as caught:
        api_module._load_query(no_query, {"page": "1"})
    assert caught.value.messages == {"page": ["Unknown field."]}
    assert api_module._load_query(no_query, {}) == {}


@pytest.mark.parametrize(("headers", "data", "status", "code"), [
    ({"Content-Type": "text/plain"}, b'{"name": "x"}', 415, "unsupported_media_type"),
    ({}, b'{"name": "x"}', 415, "unsupported_media_type"),
    ({"Content-Type": "application/json"}, b'{"name": ', 400, "malformed_json"),
    ({"Content-Type": "application/json"}, b"\xff", 400, "malformed_json"),
    ({"Content-Type": "application/json"}, b"[1]", 422, "json_object_expected"),
    ({"Content-Type": "application/json"}, b"", 422, "json_object_expected"),
    ({"Content-Type": "application/json"}, b'{"name": ' + b"[" * 1500 + b"]" * 1500 + b"}", 400,
     "malformed_json"),
    ({"Content-Type": "application/json"}, b'{"name": "x' + b"y" * 9000 + b'"}', 413, "body_too_large"),
], ids=["text", "no-type", "truncated", "not-utf8", "array", "empty", "too-deep", "too-large"])
def test_a_body_is_refused_before_the_view_runs(client, registry, headers, data, status, code):
    response = client.post("/api/v1/things", data=data, headers=headers)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == code
    assert registry.seen == []


def test_json_with_a_charset_is_accepted(client):
    response = client.post("/api/v1/things", data=b'{"name": "x"}',
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 201


@pytest.mark.parametrize(("raw", "path"), [
    (r'{"name": "a\u0000b"}', "name"),
    (r'{"name": "a\ud800"}', "name"),
    (r'{"name": "ok", "tags": ["fine", "bad\udfff"]}', "tags.1"),
    (r'{"name": "ok", "n\u0000": 1}', "n\ufffd"),
])
def test_text_postgresql_cannot_store_is_an_input_error_naming_the_field(client, registry, raw, path):
    response = client.post("/api/v1/things", data=raw.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json["errors"] == {path: ["Remove the characters that cannot be stored (NUL, unpaired "
                                              "surrogates)."]}
    assert registry.seen == []


def test_a_path_or_query_holding_nul_is_refused(client, registry):
    assert client.get("/api/v1/things/a%00b").status_code == 404
    assert client.get("/api/v1/things?page=%00").status_code == 422
    assert registry.seen == []


def test_a_body_sent_to_a_route_that_takes_none_is_refused(app, client, redis, rpc, registry):
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal()
    response = client.post("/api/v1/things/t1/archive", json={"force": True},
                           headers={"Authorization": "Bearer tok"})
    assert response.status_code == 422
    assert registry.seen == []
    response = client.post("/api/v1/things/t1/archive", headers={"Authorization": "Bearer tok"})
    assert response.status_code == 204 and response.data == b""


def test_authentication_and_authorization_come_before_the_body(client, redis, rpc, registry):
    assert client.post("/api/v1/admin-things", data=b"{", headers={"Content-Type": "application/json"}) \
        .status_code == 401
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal(is_admin=False)
    response = client.post("/api/v1/admin-things", data=b"{", headers={"Content-Type": "application/json",
                                                                       "Authorization": "Bearer tok"})
    assert response.status_code == 403
    assert registry.seen == []


def test_the_operation_carries_the_principal_and_actor(client, redis, rpc, registry):
    open_session(redis, "tok", user_id="u7", org_id="o7")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal(user_id="u7", org_id="o7")
    client.post("/api/v1/things/t1/archive", headers={"Authorization": "Bearer tok"})
    assert registry.seen[0].path == {"thing_id": "t1"}
    assert registry.seen[0].principal["user"]["id"] == "u7"
    assert registry.actors == [{"org_id": "o7", "user_id": "u7", "is_admin": False, "request_id": None}]


def test_endpoints_and_flask_paths_derive_from_the_declaration(registry):
    by_path = {(op.path, op.method): op for op in registry.operations}
    op = by_path[("/things/{thing_id}/archive", "POST")]
    assert op.flask_path == "/api/v1/things/<thing_id>/archive"
    assert op.endpoint == "post_test_api_archive"
    assert len({op.endpoint for op in registry.operations}) == len(registry.operations)
