"""An authenticated request reads Redis once (issue 9 §3 cut 14): the per-user cap's script (``limits.py``) reads the
session, the generations and the cached principal, and authentication (``auth.authenticate``) takes them from it;
what authentication decides is unchanged (S-3 at the next request, 401 for a missing or expired session). On the
real Redis: the scripts are what is measured."""
import dataclasses
import json
import time

import pytest
import redis.connection
from flask import g

from carnet_common import redis_keys
from carnet_common.errors import TooManyRequests, Unauthorized
from carnet_gateway import auth, limits

PRINCIPAL = {"user": {"id": "u1", "org_id": "o1"}, "organization": {"id": "o1"}, "is_admin": False,
             "permissions": {"modules": {}, "fields": {}, "special": {}}}


class Identity:
    """The RPC client's one call authentication makes: the principal at the source."""

    def __init__(self, answer):
        self.answer, self.calls = answer, []

    def call(self, service, method, *args):
        self.calls.append((service, method, args))
        if isinstance(self.answer, Exception):
            raise self.answer
        return dict(self.answer)


@pytest.fixture
def identity(app):
    app.extensions["carnet.rpc"] = Identity(PRINCIPAL)
    return app.extensions["carnet.rpc"]


@pytest.fixture
def round_trips(monkeypatch):
    """Commands (or pipelines) the gateway's Redis client sends: one packed send per round trip."""
    sent = []
    send = redis.connection.Connection.send_packed_command

    def counting(self, command, *args, **kwargs):
        sent.append(command)
        return send(self, command, *args, **kwargs)
    monkeypatch.setattr(redis.connection.Connection, "send_packed_command", counting)
    return sent


def open_session(redis_client, token, *, user_id="u1", org_id="o1", expires_in=3600):
    redis_client.hset(redis_keys.session_key(redis_keys.token_digest(token)), mapping={
        "user_id": user_id, "org_id": org_id, "expires_at": int(time.time()) + expires_in})


def request(app, token):
    """A request to the API as the app handles it: the guards (the per-user cap), then authentication."""
    with app.test_request_context("/api/v1/me", headers={"Authorization": f"Bearer {token}"}):
        app.preprocess_request()
        return auth.authenticate(), g.get("carnet_lists_generation")


def _keep_within_one_minute():
    if time.time() % 60 > 55:
        time.sleep(61 - time.time() % 60)


def test_an_authenticated_request_reads_redis_once(app, redis, identity, round_trips):
    open_session(redis, "tok")
    redis.set(redis_keys.lists_generation_key("o1"), 7)
    request(app, "tok")            # the principal fetched and cached, the script loaded into Redis
    round_trips.clear()

    principal, lists_generation = request(app, "tok")

    assert len(round_trips) == 1
    assert principal["user"]["id"] == "u1" and principal["token_digest"] == redis_keys.token_digest("tok")
    assert lists_generation == 7
    assert identity.calls == [("identity", "get_principal", ("u1",))]


def test_a_moved_authorization_generation_is_seen_at_the_next_request(app, redis, identity):
    open_session(redis, "tok")
    request(app, "tok")
    redis.incr(redis_keys.authz_generation_key("o1"))   # identity: a role changed
    identity.answer = {**PRINCIPAL, "is_admin": True}

    principal, _ = request(app, "tok")

    assert principal["is_admin"] is True and principal["generation"] == 1
    assert len(identity.calls) == 2
    assert json.loads(redis.get(redis_keys.principal_key("u1")))["generation"] == 1


def test_a_missing_or_expired_session_is_refused_and_not_counted(app, redis, identity):
    _keep_within_one_minute()
    open_session(redis, "old", expires_in=-1)
    for token in ("nobody", "old"):
        with pytest.raises(Unauthorized) as caught:
            request(app, token)
        assert caught.value.code == "session_invalid"
    assert identity.calls == []
    minute = int(time.time()) // 60
    assert redis.get(redis_keys.rate_key("api_user", f"u1:{minute}")) == "1"   # the expired one counted, as before


def test_a_session_ended_at_the_source_is_refused(app, redis, identity):
    open_session(redis, "tok")
    identity.answer = Unauthorized("session_invalid")
    with pytest.raises(Unauthorized):
        request(app, "tok")
    assert redis.hgetall(redis_keys.session_key(redis_keys.token_digest("tok"))) == {}


def test_the_cap_still_refuses_before_authentication(app, redis, identity):
    _keep_within_one_minute()
    open_session(redis, "tok")
    for _ in range(4):
        request(app, "tok")
    with pytest.raises(TooManyRequests):
        request(app, "tok")
    assert len(identity.calls) == 1


def test_what_the_script_read_serves_only_its_own_token(app, redis, identity, round_trips):
    open_session(redis, "mine", user_id="u1")
    open_session(redis, "theirs", user_id="u2")
    with app.test_request_context("/api/v1/me", headers={"Authorization": "Bearer theirs"}):
        limits.count_user_request(redis_keys.token_digest("mine"), 100)
        round_trips.clear()
        principal = auth.authenticate()
    assert principal["token_digest"] == redis_keys.token_digest("theirs")
    assert len(round_trips) == 3   # its own reads, then the principal cached for u2
    assert identity.calls == [("identity", "get_principal", ("u2",))]


def test_without_the_cap_authentication_reads_on_its_own(app, redis, identity, round_trips):
    app.config["CARNET"] = dataclasses.replace(app.config["CARNET"], api_requests_per_user_minute=0)
    open_session(redis, "tok")
    request(app, "tok")
    round_trips.clear()

    principal, _ = request(app, "tok")

    assert principal["user"]["id"] == "u1"
    assert len(round_trips) == 2   # the session, then the generations with the cached principal
    assert redis.keys(redis_keys.rate_key("api_user", "*")) == []
