"""Login throttling that concurrent attempts cannot pass, and an inactive account that answers like any wrong
password (S-10, issue 10 §2)."""
import json
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from conftest import MAIN_SETTINGS, PASSWORD, attempt_login, create_user

WRONG = "wrong-password-123"


def test_concurrent_wrong_passwords_cannot_pass_the_per_username_cap(base_url, org):
    """Twenty attempts at once, each from an address of its own: exactly the cap reach identity."""
    user = create_user(org["admin"])
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda _: attempt_login(base_url, user["username"], WRONG).status_code, range(20)))

    cap = MAIN_SETTINGS["LOGIN_MAX_FAILURES_PER_USER"]
    assert statuses.count(401) == cap and statuses.count(429) == 20 - cap, statuses


def _answer(base_url, username, password):
    started = time.perf_counter()
    response = attempt_login(base_url, username, password)
    elapsed = time.perf_counter() - started
    body = response.json()
    body.pop("request_id")
    return response.status_code, json.dumps(body, sort_keys=True), response.headers.get("WWW-Authenticate"), elapsed


def test_an_inactive_account_answers_the_same_whatever_the_password(base_url, org):
    """Same status, same body, same cost (one argon2 verification either way): nothing tells that the password
    was right. Three users, one right and one wrong password each, stay under the username's failure cap."""
    users = [create_user(org["admin"], active=False) for _ in range(3)]
    right = [_answer(base_url, user["username"], PASSWORD) for user in users]
    wrong = [_answer(base_url, user["username"], WRONG) for user in users]

    assert {answer[:3] for answer in right} == {answer[:3] for answer in wrong}
    status, body, _, _ = right[0]
    assert status == 401 and json.loads(body)["code"] == "invalid_credentials"
    ratio = statistics.median(a[3] for a in right) / statistics.median(a[3] for a in wrong)
    assert 0.5 < ratio < 2, (right, wrong)
