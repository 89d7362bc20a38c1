"""Sessions keep only a token's digest (S-10); passwords are argon2id with OWASP's parameters."""
import hashlib

import pytest

from carnet_common import redis_keys
from carnet_identity import passwords, sessions


class FakeRedis:
    """Just the commands sessions.py uses, with Redis's semantics for them."""

    def __init__(self):
        self.data = {}
        self.ttl = {}

    def pipeline(self):
        return FakePipeline(self)

    def hset(self, key, mapping):
        self.data.setdefault(key, {}).update({k: str(v) for k, v in mapping.items()})

    def hgetall(self, key):
        return dict(self.data.get(key, {}))

    def expire(self, key, seconds):
        self.ttl[key] = seconds

    def sadd(self, key, member):
        self.data.setdefault(key, set()).add(member)

    def srem(self, key, member):
        self.data.get(key, set()).discard(member)

    def smembers(self, key):
        return set(self.data.get(key, set()))

    def delete(self, key):
        self.data.pop(key, None)

    def incr(self, key):
        self.data[key] = int(self.data.get(key, 0)) + 1
        return self.data[key]


class FakePipeline:
    def __init__(self, redis):
        self.redis, self.calls = redis, []

    def __getattr__(self, name):
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))

    def execute(self):
        return [getattr(self.redis, name)(*args, **kwargs) for name, args, kwargs in self.calls]


@pytest.fixture(autouse=True)
def prefix(monkeypatch):
    monkeypatch.setenv("CARNET_REDIS_PREFIX", "unit:")


def everything_stored(redis):
    return repr(redis.data)


def test_a_session_is_stored_under_the_tokens_digest_and_never_holds_the_token():
    redis = FakeRedis()

    token, _ = sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)

    digest = hashlib.sha256(token.encode()).hexdigest()
    assert redis.hgetall(f"unit:session:{digest}")["user_id"] == "u1"
    assert redis.hgetall(f"unit:session:{digest}")["org_id"] == "o1"
    assert token not in everything_stored(redis)
    assert redis.ttl[f"unit:session:{digest}"] == 60


def test_tokens_are_long_and_unpredictable():
    redis = FakeRedis()
    tokens = {sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)[0] for _ in range(20)}

    assert len(tokens) == 20
    assert all(len(token) >= 43 for token in tokens)


def test_revoke_removes_one_session_and_reports_whether_it_existed():
    redis = FakeRedis()
    kept, _ = sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)
    gone, _ = sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)

    assert sessions.revoke(redis, redis_keys.token_digest(gone)) is True
    assert sessions.revoke(redis, redis_keys.token_digest(gone)) is False

    assert redis.hgetall(redis_keys.session_key(redis_keys.token_digest(gone))) == {}
    assert redis.hgetall(redis_keys.session_key(redis_keys.token_digest(kept)))["user_id"] == "u1"
    assert redis.smembers(redis_keys.user_sessions_key("u1")) == {redis_keys.token_digest(kept)}


def test_revoke_all_ends_every_session_of_one_user_only():
    redis = FakeRedis()
    mine = [sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)[0] for _ in range(3)]
    other, _ = sessions.create(redis, user_id="u2", org_id="o1", ttl_seconds=60)

    assert sessions.revoke_all(redis, "u1") == 3

    assert all(redis.hgetall(redis_keys.session_key(redis_keys.token_digest(t))) == {} for t in mine)
    assert redis.smembers(redis_keys.user_sessions_key("u1")) == set()
    assert redis.hgetall(redis_keys.session_key(redis_keys.token_digest(other)))["user_id"] == "u2"


def test_each_authorization_change_moves_the_orgs_generation():
    redis = FakeRedis()
    assert sessions.bump_authz_generation(redis, "o1") == 1
    assert sessions.bump_authz_generation(redis, "o1") == 2
    assert redis.data["unit:authz_gen:o1"] == 2


def test_password_hash_is_argon2id_with_owasp_minimum_parameters():
    hashed = passwords.hash_password("correct horse battery")

    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "correct horse battery" not in hashed
    assert passwords.parameters() == {"algorithm": "argon2id", "time_cost": 2, "memory_cost_kib": 19456,
                                      "parallelism": 1}


def test_verify_password_accepts_only_the_right_password():
    hashed = passwords.hash_password("correct horse battery")

    assert passwords.verify_password(hashed, "correct horse battery") is True
    assert passwords.verify_password(hashed, "correct horse batterY") is False


def test_verify_password_of_an_unknown_user_is_false_even_for_the_timing_dummy_password():
    assert passwords.verify_password(None, "carnet-timing-equaliser") is False
    assert passwords.verify_password("", "anything at all") is False


def test_verify_password_against_a_corrupt_hash_is_false_not_an_error():
    assert passwords.verify_password("$argon2id$garbage", "anything at all") is False


def test_revoke_all_can_keep_the_callers_own_session():
    redis = FakeRedis()
    kept, _ = sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)
    others = [sessions.create(redis, user_id="u1", org_id="o1", ttl_seconds=60)[0] for _ in range(2)]

    assert sessions.revoke_all(redis, "u1", keep=redis_keys.token_digest(kept)) == 2

    assert all(redis.hgetall(redis_keys.session_key(redis_keys.token_digest(t))) == {} for t in others)
    assert redis.smembers(redis_keys.user_sessions_key("u1")) == {redis_keys.token_digest(kept)}
