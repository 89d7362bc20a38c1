"""Authentication from Redis sessions, the principal cache and its generation, authorization (S-3, S-9, S-10), with
fake Redis and RPC. Login throttling counts in Redis scripts: gateway/tests/integration/test_limits.py, on Redis."""
import json

import pytest
from conftest import open_session, principal

from carnet_common import redis_keys
from carnet_common.errors import Forbidden, Unauthorized
from carnet_contracts import permissions
from carnet_gateway import auth

# authorize / require (what a role allows: carnet_contracts.permissions, test_field_permissions.py) ------------


def test_authorize_admin_routes_refuse_non_admins():
    with pytest.raises(Forbidden) as caught:
        auth.authorize(principal(is_admin=False), "admin")
    assert caught.value.code == "admin_only"
    auth.authorize(principal(is_admin=True), "admin")
    auth.authorize(principal(is_admin=False), "user")


def test_a_missing_module_permission_is_refused_naming_module_and_action():
    user = principal(modules={"contacts": {"read"}})
    auth.require(user, "contacts", "read")
    with pytest.raises(Forbidden) as caught:
        auth.require(user, "contacts", "export")
    assert caught.value.code == "missing_permission"
    assert caught.value.params == {"module": "contacts", "action": "export"}


# authenticate -------------------------------------------------------------------------------------


def authenticate(app, headers):
    with app.test_request_context("/api/v1/me", headers=headers):
        return auth.authenticate()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer    ", "Basic dTpw", "token-without-scheme",
                                    "Bearer " + "x" * 513])
def test_a_missing_or_malformed_authorization_header_is_refused(app, rpc, header):
    with pytest.raises(Unauthorized) as caught:
        authenticate(app, {"Authorization": header} if header is not None else {})
    assert caught.value.code == "not_authenticated"
    assert rpc.calls == []


def test_an_unknown_or_expired_token_is_refused_without_rpc(app, redis, rpc):
    with pytest.raises(Unauthorized) as caught:
        authenticate(app, bearer("unknown"))
    assert caught.value.code == "session_invalid"
    open_session(redis, "old", expires_in=-1)
    with pytest.raises(Unauthorized):
        authenticate(app, bearer("old"))
    assert rpc.calls == []


def test_the_scheme_is_case_insensitive(app, redis, rpc):
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal(user_id=user_id)
    assert authenticate(app, {"Authorization": "bearer tok"})["user"]["id"] == "u1"


def test_the_principal_is_fetched_once_then_served_from_cache(app, redis, rpc):
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal(user_id=user_id)
    first = authenticate(app, bearer("tok"))
    second = authenticate(app, bearer("tok"))
    assert first["user"]["id"] == second["user"]["id"] == "u1"
    assert rpc.calls == [("identity", "get_principal", ("u1",))]
    assert second["token_digest"] == redis_keys.token_digest("tok")
    cached = json.loads(redis.get(redis_keys.principal_key("u1")))
    assert "token_digest" not in cached, "the cache is per user, the digest per session"
    assert redis.ttl(redis_keys.principal_key("u1")) == 300


def test_a_generation_bump_refetches_the_principal_at_the_next_request(app, redis, rpc):
    open_session(redis, "tok")
    answers = iter([principal(modules={"contacts": {"read"}}), principal(modules={})])
    rpc.answers[("identity", "get_principal")] = lambda user_id: next(answers)
    assert permissions.may(authenticate(app, bearer("tok")), "contacts", "read")
    redis.incr(redis_keys.authz_generation_key("o1"))  # what identity does after a permission change
    assert not permissions.may(authenticate(app, bearer("tok")), "contacts", "read")
    assert len(rpc.calls) == 2
    authenticate(app, bearer("tok"))
    assert len(rpc.calls) == 2


def test_another_organizations_bump_does_not_refetch(app, redis, rpc):
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal()
    authenticate(app, bearer("tok"))
    redis.incr(redis_keys.authz_generation_key("another-org"))
    authenticate(app, bearer("tok"))
    assert len(rpc.calls) == 1


def test_a_user_identity_no_longer_accepts_loses_the_session(app, redis, rpc):
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = Unauthorized("session_invalid")
    with pytest.raises(Unauthorized) as caught:
        authenticate(app, bearer("tok"))
    assert caught.value.code == "session_invalid"
    assert redis.hgetall(redis_keys.session_key(redis_keys.token_digest("tok"))) == {}
