"""Render tokens (F-4): a good token passes; every other one says why (missing, not ours, another form's, expired,
too fast, from the future); single use is Redis's (integration)."""
import socket

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from carnet_forms.intake import tokens

KEY = b"unit-test-key"
NOW = 1_800_000_000.0


def issued(form_key="abc", *, at=NOW - 10, key=KEY, nonce="n1"):
    return tokens.issue(form_key, 3, now=at, key=key, nonce=nonce)


def test_a_good_token_gives_its_nonce_and_age():
    reason, data = tokens.check(issued(), "abc", now=NOW, min_fill_seconds=3, key=KEY)
    assert reason is None
    assert data == {"nonce": "n1", "version": 3, "age": 10.0}


@pytest.mark.parametrize("token", [None, ""])
def test_no_token_is_token_missing(token):
    assert tokens.check(token, "abc", now=NOW, min_fill_seconds=3, key=KEY) == ("token_missing", None)


@pytest.mark.parametrize("token", [
    "garbage", "a.b", "a.b.c", 12, "x" * 5000,
    issued(key=b"another-key"),          # not signed by us
    issued(form_key="other"),            # another form's
    issued()[:-2] + "AA",                # changed signature
])
def test_a_token_not_ours_or_changed_is_token_invalid(token):
    assert tokens.check(token, "abc", now=NOW, min_fill_seconds=3, key=KEY) == ("token_invalid", None)


def test_a_token_of_another_kind_is_token_invalid():
    from carnet_contracts.campaign_links import seal
    other = seal("unsubscribe", {"f": "abc", "v": 1, "t": NOW - 10, "n": "n"}, key=KEY)
    assert tokens.check(other, "abc", now=NOW, min_fill_seconds=3, key=KEY)[0] == "token_invalid"


def test_a_token_from_the_future_is_token_invalid():
    assert tokens.check(issued(at=NOW + 120), "abc", now=NOW, min_fill_seconds=3, key=KEY)[0] == "token_invalid"


def test_a_token_older_than_a_day_is_token_expired():
    reason, data = tokens.check(issued(at=NOW - tokens.MAX_AGE_S - 1), "abc", now=NOW, min_fill_seconds=3, key=KEY)
    assert reason == "token_expired" and data["nonce"] == "n1"


def test_a_token_younger_than_the_minimum_fill_time_is_too_fast():
    reason, data = tokens.check(issued(at=NOW - 2), "abc", now=NOW, min_fill_seconds=3, key=KEY)
    assert reason == "too_fast" and data["age"] == 2.0
    assert tokens.check(issued(at=NOW - 3), "abc", now=NOW, min_fill_seconds=3, key=KEY)[0] is None
    assert tokens.check(issued(at=NOW), "abc", now=NOW, min_fill_seconds=0, key=KEY)[0] is None


def test_the_secret_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("FORMS_SIGNING_SECRET", "from-env")
    assert tokens.secret() == b"from-env"
    token = tokens.issue("abc", 1, now=NOW - 10)
    assert tokens.check(token, "abc", now=NOW, min_fill_seconds=3)[0] is None
    assert tokens.check(token, "abc", now=NOW, min_fill_seconds=3, key=tokens.DEV_SECRET.encode())[0] == \
        "token_invalid"
    monkeypatch.delenv("FORMS_SIGNING_SECRET")
    assert tokens.secret() == tokens.DEV_SECRET.encode()


def test_nonces_differ_between_renders():
    first, second = tokens.issue("abc", 1, now=NOW, key=KEY), tokens.issue("abc", 1, now=NOW, key=KEY)
    nonce = [tokens.check(t, "abc", now=NOW + 5, min_fill_seconds=0, key=KEY)[1]["nonce"] for t in (first, second)]
    assert nonce[0] != nonce[1]


def test_an_unreachable_redis_lets_the_token_pass_rather_than_lose_the_submission():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    client = redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.5, socket_timeout=0.5,
                         retry=Retry(NoBackoff(), 0))
    assert tokens.claim(client, "n1") is True
    tokens.release(client, "n1")     # logged, never raised
