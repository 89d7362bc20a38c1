"""The event envelope and the Redis key names shared by identity and the gateway."""
import hashlib
import re
import uuid
from datetime import datetime, timedelta, timezone

from carnet_common import redis_keys
from carnet_common.events import make_envelope


def test_envelope_has_exactly_id_time_version_and_data():
    data = {"org_id": "o1", "user_id": "u1"}

    envelope = make_envelope(data)

    assert set(envelope) == {"event_id", "occurred_at", "version", "data"}
    assert envelope["data"] == data
    assert envelope["version"] == 1
    assert str(uuid.UUID(envelope["event_id"])) == envelope["event_id"]


def test_envelope_time_is_now_in_utc():
    occurred = datetime.fromisoformat(make_envelope({})["occurred_at"])

    assert occurred.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - occurred) < timedelta(seconds=5)


def test_envelope_carries_the_version_it_is_given():
    assert make_envelope({}, version=3)["version"] == 3


def test_each_envelope_gets_its_own_event_id():
    assert len({make_envelope({})["event_id"] for _ in range(50)}) == 50


def test_token_digest_is_sha256_hex_not_the_token():
    token = "s3cr3t-token-value"

    digest = redis_keys.token_digest(token)

    assert digest == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest


def test_session_key_holds_the_digest_under_the_installation_prefix(monkeypatch):
    monkeypatch.setenv("CARNET_REDIS_PREFIX", "run42:")
    digest = redis_keys.token_digest("tok")

    assert redis_keys.session_key(digest) == f"run42:session:{digest}"
    assert redis_keys.user_sessions_key("u1") == "run42:user_sessions:u1"
    assert redis_keys.authz_generation_key("o1") == "run42:authz_gen:o1"


def test_prefix_is_read_when_a_key_is_built_not_at_import(monkeypatch):
    monkeypatch.delenv("CARNET_REDIS_PREFIX", raising=False)
    assert redis_keys.principal_key("u1") == "carnet:principal:u1"
    monkeypatch.setenv("CARNET_REDIS_PREFIX", "other:")
    assert redis_keys.principal_key("u1") == "other:principal:u1"
