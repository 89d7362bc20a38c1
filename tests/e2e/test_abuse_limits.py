"""Sign-ups limited per address and in all, refusals of a taken username more tightly, and each user's requests
per minute (S-10, OWASP API4, issue 10 §2): 429 with Retry-After, on a system with small limits
(``LIMITED_SETTINGS``)."""
import time

import requests
from conftest import (
    LIMITED_SETTINGS,
    PASSWORD,
    Client,
    assert_problem,
    attempt_login,
    create_user,
    gateway_beside,
    new_address,
    unique,
)

API = "/api/v1"


def sign_up(url, *, address, username=None):
    username = username or unique("limited")
    return requests.post(url + API + "/organizations", timeout=30, headers={"X-Forwarded-For": address}, json={
        "name": f"Org {username}", "admin": {"username": username, "password": PASSWORD, "full_name": "X",
                                             "email": f"{username}@example.com"}})


def throttled(response, code):
    body = assert_problem(response, 429, code=code)
    retry_after = int(response.headers["Retry-After"])
    assert retry_after > 0 and str(retry_after) in body["detail"]
    return retry_after


def test_sign_ups_from_one_address_are_limited(limited_stack):
    url, address = limited_stack.url, new_address()
    for _ in range(LIMITED_SETTINGS["SIGNUP_MAX_PER_ADDRESS"]):
        assert sign_up(url, address=address).status_code == 201

    refused = sign_up(url, address=address)

    assert 3500 < throttled(refused, "signup_throttled") <= 3600
    assert sign_up(url, address=new_address()).status_code == 201


def test_refusals_of_a_taken_username_from_one_address_are_limited_tighter(limited_stack):
    url, address = limited_stack.url, new_address()
    taken = unique("taken")
    assert sign_up(url, address=new_address(), username=taken).status_code == 201

    assert_problem(sign_up(url, address=address, username=taken), 409, code="username_taken",
                   fields=["admin.username"])
    throttled(sign_up(url, address=address, username=taken), "signup_throttled")
    throttled(sign_up(url, address=address), "signup_throttled")  # a free name too: the probe is not told apart


def test_sign_ups_are_limited_in_all(stack, tmp_path):
    """Through a gateway of its own beside the suite's services (the limit is the gateway's; its counters start at
    zero): a stack of its own cost a whole start and stop."""
    with gateway_beside(stack, tmp_path / "metrics", TRUSTED_PROXIES=1, SIGNUP_MAX_TOTAL=2,
                        LOG_LEVEL="WARNING") as running:
        assert sign_up(running.url, address=new_address()).status_code == 201
        assert sign_up(running.url, address=new_address()).status_code == 201
        throttled(sign_up(running.url, address=new_address()), "signup_throttled")


def _burst(url, username):
    """As many requests of ``username`` as the limit allows, one over, then one from a second session of theirs:
    (the answers, whether they all fell in one minute of the server's clock, which is this machine's)."""
    first, second = (Client(url, token=attempt_login(url, username).json()["token"], language="fr") for _ in "12")
    minute = int(time.time() // 60)
    answers = [first.get(API + "/me") for _ in range(LIMITED_SETTINGS["API_REQUESTS_PER_USER_MINUTE"] + 1)]
    answers.append(second.get(API + "/me"))
    return answers, int(time.time() // 60) == minute


def test_each_users_requests_are_limited_per_minute(limited_stack):
    url = limited_stack.url
    assert sign_up(url, address=new_address(), username=(admin_name := unique("busy"))).status_code == 201
    admin = Client(url, token=attempt_login(url, admin_name).json()["token"], language="fr")
    for _ in range(3):  # a burst that straddles two minutes proves nothing: again, with a user who sent nothing
        busy = create_user(admin)
        answers, one_minute = _burst(url, busy["username"])
        if one_minute:
            break
    else:
        raise AssertionError("three bursts of requests each straddled a minute")
    *accepted, refused, second_session = answers
    assert [answer.status_code for answer in accepted] == [200] * LIMITED_SETTINGS["API_REQUESTS_PER_USER_MINUTE"]

    assert 0 < throttled(refused, "api_rate_limited") <= 60
    assert assert_problem(refused, 429)["detail"].startswith("Vous avez envoyé plus de 20 requêtes")
    throttled(second_session, "api_rate_limited")  # per user, not per session
    assert admin.get(API + "/me").status_code == 200  # another user of the organization is not held back
