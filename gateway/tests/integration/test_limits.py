"""Abuse limits counted atomically in Redis (S-10, issue 10 §2): login failures, sign-ups, requests per user.
Each check counts in the same Redis script that compares with the caps, so concurrent attempts cannot pass them."""
import threading
import time

import pytest
from conftest import LIMITS

from carnet_common import redis_keys
from carnet_common.errors import TooManyRequests
from carnet_gateway import limits


def within_request(app, address, fn, *args, **kwargs):
    with app.test_request_context("/api/v1/auth/login", method="POST", environ_base={"REMOTE_ADDR": address}):
        return fn(*args, **kwargs)


def refused(app, address, fn, *args, **kwargs):
    with pytest.raises(TooManyRequests) as caught:
        within_request(app, address, fn, *args, **kwargs)
    return caught.value


# Login ------------------------------------------------------------------------------------------------------

def test_failures_per_username_throttle_that_username_from_any_address(app):
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        within_request(app, address, limits.count_login_attempt, "Marie")
    caught = refused(app, "198.51.100.9", limits.count_login_attempt, "MARIE")
    assert caught.code == "login_throttled" and 0 < caught.params["retry_after"] <= 900
    within_request(app, "198.51.100.9", limits.count_login_attempt, "luc")


def test_a_success_clears_the_username_failures(app):
    within_request(app, "198.51.100.1", limits.count_login_attempt, "marie")  # a failure
    within_request(app, "198.51.100.1", limits.count_login_attempt, "marie")  # the password was right
    within_request(app, "198.51.100.1", limits.login_succeeded, "marie")
    within_request(app, "198.51.100.1", limits.count_login_attempt, "marie")
    within_request(app, "198.51.100.1", limits.count_login_attempt, "marie")  # two more: the first two forgiven


def test_failures_per_address_throttle_every_username_from_it(app):
    for n in range(5):
        within_request(app, "203.0.113.5", limits.count_login_attempt, f"user{n}")
    refused(app, "203.0.113.5", limits.count_login_attempt, "someone-else")
    within_request(app, "203.0.113.6", limits.count_login_attempt, "someone-else")


def test_attempts_per_address_and_minute_are_capped(app):
    for _ in range(10):
        within_request(app, "203.0.113.7", limits.count_login_attempt, "marie")
        within_request(app, "203.0.113.7", limits.login_succeeded, "marie")
    caught = refused(app, "203.0.113.7", limits.count_login_attempt, "marie")
    assert 0 < caught.params["retry_after"] <= 60


def test_the_failure_window_starts_at_the_first_failure(app, redis):
    key = redis_keys.rate_key("login_fail_user", "marie")
    within_request(app, "203.0.113.8", limits.count_login_attempt, "marie")
    assert 890 <= redis.ttl(key) <= 900
    redis.expire(key, 300)  # as if ten minutes had passed
    within_request(app, "203.0.113.8", limits.count_login_attempt, "marie")
    assert 0 < redis.ttl(key) <= 300


def test_failures_from_one_address_lock_that_username_there_but_not_elsewhere(app):
    """A stranger guessing a password from one address cannot lock the real user out everywhere."""
    for _ in range(2):
        within_request(app, "198.51.100.20", limits.count_login_attempt, "julie")
    refused(app, "198.51.100.20", limits.count_login_attempt, "julie")
    within_request(app, "198.51.100.21", limits.count_login_attempt, "julie")


def test_an_attempt_identity_did_not_answer_is_not_a_failure(app):
    for _ in range(10):
        within_request(app, "198.51.100.30", limits.count_login_attempt, "paul")
        within_request(app, "198.51.100.30", limits.login_unanswered, "paul")
    # Ten attempts, none answered: under every failure cap, only the minute's attempts are spent.
    caught = refused(app, "198.51.100.30", limits.count_login_attempt, "paul")
    assert caught.params["retry_after"] <= 60


def test_concurrent_attempts_cannot_pass_the_cap(app):
    """Thirty attempts on one username at once, from thirty addresses: exactly the cap (3) get through."""
    start, outcomes = threading.Barrier(30), []

    def attempt(n):
        start.wait()
        try:
            within_request(app, f"192.0.2.{n}", limits.count_login_attempt, "target")
            outcomes.append("counted")
        except TooManyRequests:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("counted") == LIMITS["login_user_failures"] and outcomes.count("refused") == 27


# Sign-up ----------------------------------------------------------------------------------------------------

def sign_up(app, address, *, taken=False):
    within_request(app, address, limits.count_sign_up)
    within_request(app, address, limits.sign_up_answered, username_taken=taken)


def test_sign_ups_are_capped_per_address_then_in_all(app):
    for _ in range(3):
        sign_up(app, "198.51.100.40")
    caught = refused(app, "198.51.100.40", limits.count_sign_up)
    assert caught.code == "signup_throttled" and 3590 <= caught.params["retry_after"] <= 3600
    sign_up(app, "198.51.100.41")
    sign_up(app, "198.51.100.42")
    refused(app, "198.51.100.43", limits.count_sign_up)  # five in all


def test_refusals_of_a_taken_username_are_capped_tighter_than_sign_ups(app):
    sign_up(app, "198.51.100.50", taken=True)
    sign_up(app, "198.51.100.50", taken=True)
    refused(app, "198.51.100.50", limits.count_sign_up)  # two refusals from one address, though one sign-up is left
    sign_up(app, "198.51.100.51", taken=True)
    refused(app, "198.51.100.52", limits.count_sign_up)  # three refusals in all


def test_a_sign_up_in_flight_counts_as_a_possible_refusal(app):
    """Counted before identity answers, so concurrent probes of taken names cannot pass the cap either."""
    within_request(app, "198.51.100.60", limits.count_sign_up)
    within_request(app, "198.51.100.60", limits.count_sign_up)
    refused(app, "198.51.100.60", limits.count_sign_up)


# Requests per user ------------------------------------------------------------------------------------------

def open_session(redis, token, user_id):
    redis.hset(redis_keys.session_key(redis_keys.token_digest(token)), mapping={
        "user_id": user_id, "org_id": "o1", "expires_at": int(time.time()) + 3600})


def test_a_users_requests_are_capped_per_minute_whichever_session_they_use(app, redis):
    if time.time() % 60 > 55:  # keep the requests inside one minute window
        time.sleep(61 - time.time() % 60)
    open_session(redis, "phone", "u1")
    open_session(redis, "laptop", "u1")
    open_session(redis, "colleague", "u2")
    for token in ("phone", "laptop", "phone", "laptop"):
        within_request(app, "198.51.100.70", limits.count_user_request, redis_keys.token_digest(token), 4)

    caught = refused(app, "198.51.100.70", limits.count_user_request, redis_keys.token_digest("phone"), 4)

    assert caught.code == "api_rate_limited" and 0 < caught.params["retry_after"] <= 60
    assert caught.params["limit"] == 4
    within_request(app, "198.51.100.70", limits.count_user_request, redis_keys.token_digest("colleague"), 4)
    # No session, nothing counted: authentication answers 401 on its own.
    for _ in range(6):
        within_request(app, "198.51.100.70", limits.count_user_request, redis_keys.token_digest("nobody"), 4)
