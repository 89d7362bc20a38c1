"""Login and sessions (S-1, S-10): argon2id hashes, revocable sessions stored as digests only."""
import pytest
import sqlalchemy as sa
from identity_harness import PASSWORD

from carnet_common import redis_keys
from carnet_common.errors import Unauthorized


def redis_dump(identity):
    """Every key of this run and everything stored under it, as text."""
    redis, dump = identity.redis, []
    for key in redis.scan_iter(match=identity.redis_prefix + "*", count=1000):
        kind = redis.type(key)
        value = {"hash": redis.hgetall, "set": redis.smembers, "string": redis.get,
                 "list": lambda k: redis.lrange(k, 0, -1), "zset": lambda k: redis.zrange(k, 0, -1)}[kind](key)
        dump.append(f"{key} {value!r}")
    return "\n".join(dump)


def test_login_returns_a_token_and_the_user(svc, org):
    user = org.add_user()

    session = svc.login(user["username"].upper(), PASSWORD)

    assert session["user"] == user
    assert len(session["token"]) >= 43
    assert session["expires_at"].endswith("+00:00")


@pytest.mark.parametrize("who", ["wrong password", "unknown user"])
def test_login_with_wrong_credentials_is_unauthorized(svc, org, who):
    user = org.add_user()
    username = user["username"] if who == "wrong password" else "nobody-" + user["username"]

    with pytest.raises(Unauthorized) as caught:
        svc.login(username, PASSWORD if who == "unknown user" else PASSWORD + "x")

    assert caught.value.code == "invalid_credentials"


def test_an_inactive_user_cannot_log_in_and_the_answer_does_not_tell_the_password_was_right(svc, org):
    """S-10 (issue 10 §2): the same answer whatever the password, after the same argon2 verification, so an
    inactive account cannot be used to test a password."""
    user = org.add_user(active=False)

    answers = []
    for password in (PASSWORD, "not-the-password"):
        with pytest.raises(Unauthorized) as caught:
            svc.login(user["username"], password)
        answers.append((caught.value.code, caught.value.errors, caught.value.params))

    assert answers[0] == answers[1] == ("invalid_credentials", {}, {})


def test_a_session_is_stored_in_redis_only_as_the_tokens_digest(svc, org, identity):
    user = org.add_user()

    token = svc.login(user["username"], PASSWORD)["token"]

    digest = redis_keys.token_digest(token)
    stored = identity.redis.hgetall(redis_keys.session_key(digest))
    assert stored["user_id"] == user["id"] and stored["org_id"] == org.id
    assert 0 < identity.redis.ttl(redis_keys.session_key(digest)) <= 43200
    assert digest in identity.redis.smembers(redis_keys.user_sessions_key(user["id"]))
    assert token not in redis_dump(identity)


def test_logout_revokes_only_that_session(svc, org, identity):
    user = org.add_user()
    kept = redis_keys.token_digest(svc.login(user["username"], PASSWORD)["token"])
    ended = redis_keys.token_digest(svc.login(user["username"], PASSWORD)["token"])

    assert svc.logout(ended) is True
    assert svc.logout(ended) is False

    assert not identity.redis.exists(redis_keys.session_key(ended))
    assert identity.redis.exists(redis_keys.session_key(kept))


def test_the_stored_password_is_an_argon2id_hash_with_owasp_parameters(org, identity):
    user = org.add_user()

    with identity.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT password_hash FROM identity.users WHERE id = :id"),
                              {"id": user["id"]}).scalar_one()

    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored


def test_a_changed_password_replaces_the_old_one(svc, org):
    user = org.add_user()

    svc.update_user(org.admin, user["id"], {"password": "a-brand-new-password", "current_password": PASSWORD})

    with pytest.raises(Unauthorized):
        svc.login(user["username"], PASSWORD)
    assert svc.login(user["username"], "a-brand-new-password")["user"]["id"] == user["id"]


def test_principal_of_an_inactive_or_unknown_user_is_refused(svc, org):
    user = org.add_user(active=False)

    for user_id in (user["id"], "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(Unauthorized) as caught:
            svc.get_principal(user_id)
        assert caught.value.code == "session_invalid"
