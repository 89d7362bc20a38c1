"""Settings and failures the shared gateway must not see: sign-up turned off, a frozen identity (504), a
stopped identity (503, /readyz). They run through a gateway of this module's own, with those settings and the
installation's defaults otherwise, beside the suite's services (as a second deployment of the gateway would be):
the tests freeze or stop the suite's identity service and leave it answering again. A stack of their own cost a
whole start and stop of every service for three tests."""
import os
import signal
import time

import pytest
import requests
from conftest import IDENTITY, assert_problem, attempt_login, gateway_beside, unique

from carnet_testing import eventually

RPC_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def degraded(stack, tmp_path_factory):
    with gateway_beside(stack, tmp_path_factory.mktemp("metrics"), SIGNUP_ENABLED="false",
                        RPC_TIMEOUT_SECONDS=RPC_TIMEOUT, LOG_LEVEL="WARNING") as beside:
        yield beside


def identity_process(stack):
    return next(p for p in stack.processes if p.carnet_name == "identity" and p.poll() is None)


def identity_answers(stack):
    """A login for nobody reaches identity and comes back 401 (not 503/504)."""
    return attempt_login(stack.url, unique("nobody"), "wrong-password-123").status_code == 401


def test_sign_up_turned_off_is_a_403_problem(degraded):
    username = unique()
    body = {"name": "Refusée", "admin": {"username": username, "password": "long-enough-password",
                                         "full_name": "X", "email": "x@example.com"}}
    response = requests.post(degraded.url + "/api/v1/organizations", json=body, timeout=10)
    assert_problem(response, 403, code="signup_disabled")
    response = requests.post(degraded.url + "/api/v1/organizations", json=body, timeout=10,
                             headers={"Accept-Language": "fr"})
    assert assert_problem(response, 403)["detail"] == "L'inscription est désactivée sur cette installation."
    assert_problem(attempt_login(degraded.url, username, "long-enough-password"), 401)


def test_a_frozen_identity_is_a_504_problem(degraded):
    process = identity_process(degraded)
    os.killpg(process.pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        response = attempt_login(degraded.url, unique("nobody"), "wrong-password-123",
                                 **{"Accept-Language": "fr"})
        elapsed = time.monotonic() - started
        body = assert_problem(response, 504, code="rpc_timeout")
        assert body["detail"] == "Le service identity n'a pas répondu à temps."
        assert RPC_TIMEOUT <= elapsed < RPC_TIMEOUT + 5
    finally:
        os.killpg(process.pid, signal.SIGCONT)
    eventually(lambda: identity_answers(degraded), what="identity answering again")


def test_a_stopped_identity_is_a_503_problem_and_not_ready(degraded):
    process = identity_process(degraded)
    degraded.stop_process(process)
    degraded.processes.remove(process)
    try:
        response = attempt_login(degraded.url, unique("nobody"), "wrong-password-123")
        body = assert_problem(response, 503, code="service_unavailable")
        assert "identity" in body["detail"]
        assert int(response.headers["Retry-After"]) > 0
        # Routes that need no service still answer.
        assert requests.get(degraded.url + "/healthz", timeout=10).status_code == 200

        def not_ready():
            ready = requests.get(degraded.url + "/readyz", timeout=10)
            return ready.status_code == 503 and ready.json()["checks"]["identity"] == "unreachable"
        eventually(not_ready, what="readyz saying identity is unreachable")
    finally:
        degraded.start_service(IDENTITY)
    eventually(lambda: identity_answers(degraded), timeout=60, interval=0.3, what="identity answering again")
    eventually(lambda: requests.get(degraded.url + "/readyz", timeout=10).status_code == 200, what="ready again")
