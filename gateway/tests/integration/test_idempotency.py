"""``Idempotency-Key`` on POST routes (issue 10 §4, ``carnet_gateway.idempotency``), on the real Redis: a retry
with the key gets the first answer and runs nothing; a key is one user's and names one request (another body: 422
naming the header; still running: 409 with Retry-After); an answer of 500 or above is not kept, so a retry after a
503 runs again. Routes of the test's own, declared on a registry of their own, through the real request path."""
import json
import threading
import time

import pytest
from conftest import LIMITS
from flask import Flask
from marshmallow import Schema, fields

from carnet_common import redis_keys, replays
from carnet_common.errors import Conflict, InvalidInput, ServiceUnavailable
from carnet_gateway import idempotency, problems
from carnet_gateway.api import PUBLIC, Api
from carnet_gateway.settings import Settings

registry = Api()
ran = []
gate = threading.Event()


@registry.route("/things", "POST", status=201, summary="Create a thing", tags=("test",))
def create_thing(call):
    ran.append(("things", call.principal["user"]["id"]))
    return {"id": len(ran), "keys": [idempotency.rpc_context("contacts", "create_contact"),
                                     idempotency.rpc_context("contacts", "create_contact")]}


class Note(Schema):
    a = fields.Integer()
    b = fields.List(fields.Integer())


@registry.route("/notes", "POST", body=Note, status=201, summary="Create a note", tags=("test",))
def create_note(call):
    ran.append(("notes", call.body))
    return {"id": len(ran)}


@registry.route("/things/{thing_id}/close", "POST", status=204, summary="Close a thing", tags=("test",))
def close_thing(call):
    ran.append(("close", call.path["thing_id"]))


@registry.route("/slow", "POST", status=201, summary="Runs until the test opens the gate", tags=("test",))
def slow(call):
    ran.append(("slow",))
    assert gate.wait(10)
    return {"id": "slow"}


@registry.route("/flaky", "POST", status=201, summary="Unavailable the first time", tags=("test",))
def flaky(call):
    ran.append(("flaky",))
    if len([r for r in ran if r == ("flaky",)]) == 1:
        raise ServiceUnavailable("database_unavailable")
    return {"id": "flaky"}


@registry.route("/busy", "POST", status=201, summary="Its service part still runs the first time", tags=("test",))
def busy(call):
    ran.append(("busy",))
    if len([r for r in ran if r == ("busy",)]) == 1:
        raise Conflict("idempotency_in_flight")      # as a service answers a call whose key it holds
    return {"id": "busy"}


@registry.route("/refused", "POST", status=201, summary="Refuses its input", tags=("test",))
def refused(call):
    ran.append(("refused",))
    raise InvalidInput(errors={"name": ["Missing data for required field."]})


@registry.route("/public", "POST", auth=PUBLIC, status=201, summary="Nobody signed in", tags=("test",))
def public(call):
    ran.append(("public",))
    return {"id": len(ran)}


def principal(user_id):
    return {"user": {"id": user_id, "org_id": "o1", "username": user_id, "language": None},
            "organization": {"id": "o1", "name": "Org"}, "role": None, "is_admin": True,
            "permissions": {"modules": {}, "fields": {}, "special": {}},
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False},
            "subordinate_ids": []}


class Identity:
    def call(self, service, method, user_id):
        assert (service, method) == ("identity", "get_principal")
        return principal(user_id)


@pytest.fixture
def client(redis):
    ran.clear()
    gate.clear()
    app = Flask(__name__)
    settings = Settings(amqp_uri="amqp://unused", redis_url="redis://unused", rpc_timeout=1.0, signup_enabled=True,
                        max_body_bytes=2048, principal_ttl=300, trusted_proxies=0, readiness_services=(), **LIMITS)
    app.config.update(CARNET=settings, TESTING=True)
    app.extensions.update({"carnet.redis": redis, "carnet.rpc": Identity()})
    registry.register(app)
    problems.register(app)
    for user in ("u1", "u2"):
        redis.hset(redis_keys.session_key(redis_keys.token_digest(f"tok-{user}")),
                   mapping={"user_id": user, "org_id": "o1", "expires_at": int(time.time()) + 3600})
    return app.test_client()


def post(client, path, body=None, *, key=None, user="u1"):
    headers = {"Authorization": f"Bearer tok-{user}"}
    if key is not None:
        headers[idempotency.HEADER] = key
    if body is None:
        return client.post("/api/v1" + path, headers=headers)
    return client.post("/api/v1" + path, data=json.dumps(body), content_type="application/json", headers=headers)


def test_a_retry_with_the_key_gets_the_first_answer_and_runs_nothing(client, redis):
    first = post(client, "/things", key="k-1")
    again = post(client, "/things", key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json() and again.mimetype == "application/json"
    assert again.headers[idempotency.REPLAYED_HEADER] == "true"
    assert idempotency.REPLAYED_HEADER not in first.headers
    assert ran == [("things", "u1")]
    slot = idempotency.redis_key("u1", "k-1")
    assert idempotency.KEEP_SECONDS - 5 <= redis.ttl(slot) <= idempotency.KEEP_SECONDS
    assert "k-1" not in slot, "the client's key is hashed, never a Redis key name of its own"


def test_without_the_key_every_request_runs_and_touches_no_slot(client, redis):
    post(client, "/things")
    post(client, "/things")
    assert ran == [("things", "u1")] * 2
    assert list(redis.scan_iter(match=f"{redis_keys.prefix()}idem:*")) == []


def test_each_call_of_a_keyed_request_carries_a_key_of_its_own_for_the_service(client):
    keyed = post(client, "/things", key="k-2").get_json()["keys"]
    assert [key.rsplit(":", 2)[1:] for key in keyed] == [["0", "contacts.create_contact"],
                                                         ["1", "contacts.create_contact"]]
    assert all(replays.applies_to(key, "contacts", "create_contact") for key in keyed)
    assert keyed[0].split(":")[0] == keyed[1].split(":")[0]
    assert post(client, "/things").get_json()["keys"] == [None, None]


def test_a_key_is_the_user_s_own(client):
    post(client, "/things", key="shared")
    other = post(client, "/things", key="shared", user="u2")
    assert other.status_code == 201 and idempotency.REPLAYED_HEADER not in other.headers
    assert ran == [("things", "u1"), ("things", "u2")]


def test_the_same_key_for_another_body_or_route_is_a_422_naming_the_header(client):
    assert post(client, "/notes", {"a": 1, "b": [1, 2]}, key="k-3").status_code == 201
    again = post(client, "/notes", {"b": [1, 2], "a": 1}, key="k-3")     # the same JSON, keys in another order
    assert again.headers.get(idempotency.REPLAYED_HEADER) == "true"
    for path, body in (("/notes", {"a": 2, "b": [1, 2]}), ("/things/t1/close", None)):
        response = post(client, path, body, key="k-3")
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "idempotency_key_reused"
        assert list(response.get_json()["errors"]) == [idempotency.HEADER]
    assert ran == [("notes", {"a": 1, "b": [1, 2]})]


def test_a_key_that_is_not_printable_ascii_or_too_long_is_a_422_naming_the_header(client):
    for key in ("", " padded", "é", "a" * 256):
        response = post(client, "/things", key=key)
        assert response.status_code == 422, key
        assert list(response.get_json()["errors"]) == [idempotency.HEADER]
        assert "255" in response.get_json()["errors"][idempotency.HEADER][0]
    assert post(client, "/things", key="a" * 255).status_code == 201
    assert ran == [("things", "u1")]


def test_a_request_with_the_key_still_running_is_a_409_with_retry_after(client):
    answers = []
    first = threading.Thread(target=lambda: answers.append(post(client.application.test_client(), "/slow",
                                                                key="k-4")))
    first.start()
    try:
        deadline = time.monotonic() + 10
        while ("slow",) not in ran and time.monotonic() < deadline:
            time.sleep(0.01)      # until the first request runs (a proof, polled)
        response = post(client, "/slow", key="k-4")
        assert response.status_code == 409 and response.get_json()["code"] == "idempotency_in_flight"
        assert response.headers["Retry-After"] == "1"
    finally:
        gate.set()
        first.join(10)
    assert answers[0].status_code == 201
    assert post(client, "/slow", key="k-4").headers[idempotency.REPLAYED_HEADER] == "true"
    assert ran == [("slow",)]


def test_an_answer_of_500_or_above_is_not_kept_and_the_retry_runs(client, redis):
    failed = post(client, "/flaky", key="k-5")
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "5"
    assert redis.get(idempotency.redis_key("u1", "k-5")) is None
    assert post(client, "/flaky", key="k-5").status_code == 201
    replayed = post(client, "/flaky", key="k-5")
    assert replayed.status_code == 201 and replayed.headers[idempotency.REPLAYED_HEADER] == "true"
    assert ran == [("flaky",), ("flaky",)]


def test_a_service_s_in_flight_409_is_not_kept_either(client, redis):
    busy = post(client, "/busy", key="k-9")
    assert busy.status_code == 409 and busy.headers["Retry-After"] == "1"
    assert redis.get(idempotency.redis_key("u1", "k-9")) is None
    assert post(client, "/busy", key="k-9").status_code == 201
    assert ran == [("busy",), ("busy",)]


def test_a_refusal_is_kept_like_any_answer_below_500(client):
    first = post(client, "/refused", key="k-6")
    again = post(client, "/refused", key="k-6")
    assert first.status_code == again.status_code == 422
    assert again.mimetype == "application/problem+json" and again.get_json()["errors"] == first.get_json()["errors"]
    assert ran == [("refused",)]


def test_a_204_is_replayed_without_a_body_or_a_content_type(client):
    assert post(client, "/things/t1/close", key="k-7").status_code == 204
    again = post(client, "/things/t1/close", key="k-7")
    assert again.status_code == 204 and again.data == b"" and "Content-Type" not in again.headers
    assert ran == [("close", "t1")]


def test_public_routes_ignore_the_header(client):
    for _ in range(2):
        assert client.post("/api/v1/public", headers={idempotency.HEADER: "k-8"}).status_code == 201
    assert ran == [("public",), ("public",)]
