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
    new_address,
    start_stack,
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


def test_sign_ups_are_limited_in_all(tmp_path):
    with start_stack(tmp_path / "stack.log", TRUSTED_PROXIES=1, SIGNUP_MAX_TOTAL=2, LOG_LEVEL="WARNING") as running:
        assert sign_up(running.url, address=new_address()).status_code == 201
        assert sign_up(running.url, address=new_address()).status_code == 201
        throttled(sign_up(running.url, address=new_address()), "signup_throttled")


def test_each_users_requests_are_limited_per_minute(limited_stack):
    url = limited_stack.url
    assert sign_up(url, address=new_address(), username=(admin_name := unique("busy"))).status_code == 201
    admin = Client(url, token=attempt_login(url, admin_name).json()["token"], language="fr")
    colleague = create_user(admin)
    if time.time() % 60 > 50:  # keep the requests inside one minute window
        time.sleep(61 - time.time() % 60)
    spent = 1  # create_user
    while spent < LIMITED_SETTINGS["API_REQUESTS_PER_USER_MINUTE"]:
        assert admin.get(API + "/me").status_code == 200
        spent += 1

    refused = admin.get(API + "/me")
    second_session = Client(url, token=attempt_login(url, admin_name).json()["token"]).get(API + "/me")

    assert 0 < throttled(refused, "api_rate_limited") <= 60
    assert assert_problem(refused, 429)["detail"].startswith("Vous avez envoyé plus de 20 requêtes")
    throttled(second_session, "api_rate_limited")  # per user, not per session
    other = Client(url, token=attempt_login(url, colleague["username"]).json()["token"])
    assert other.get(API + "/me").status_code == 200
