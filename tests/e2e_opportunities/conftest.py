"""End-to-end fixtures for opportunities, tasks and the dashboard: identity + contacts + opportunities + gateway
processes, started as ``scripts/stack.py`` starts them, on a fresh database, vhost and Redis prefix, driven over
HTTP only (paths below ``/api/v1``). Shared by the opportunities and tasks test modules of this folder; the
helpers live in tests/support, the names below are what those modules import ``from conftest``.

The suite's system sends task invitations (T-3) to the suite's real SMTP relay (``relay``), retrying after 200 ms:
the tasks and dependents modules read what it received (each by its own addresses) rather than each starting a
system of its own (a stack's start and stop each, 30-60 s). Modules that need other settings still start their own.
"""
import functools

import pytest
from support import orgs, system
from support.http import PASSWORD, assert_problem, finished_job, login, ok, unique  # noqa: F401
from support.http import ApiClient as Client
from support.http import sign_up as _sign_up
from support.orgs import add_member  # noqa: F401

from carnet_testing import eventually  # noqa: F401
from carnet_testing.mail import smtp_relay

sign_up = functools.partial(_sign_up, client_class=Client)
# The abuse limits (S-10) are tested in tests/e2e; here one address signs up and logs in for every test.
start_stack = system.stack_starter(READINESS_SERVICES="identity,contacts,opportunities", LOG_LEVEL="WARNING",
                                   SIGNUP_MAX_PER_ADDRESS=100_000, SIGNUP_MAX_TOTAL=100_000,
                                   LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE=100_000)
MAIL_SETTINGS = {"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "crm@carnet.test", "INVITATION_RETRY_BASE_MS": "200"}


@pytest.fixture(scope="session")
def relay():
    """The suite's real SMTP relay (aiosmtpd on loopback): the invitations the system sent."""
    with smtp_relay() as running:
        yield running


@pytest.fixture(scope="session")
def stack(tmp_path_factory, relay):
    with start_stack(tmp_path_factory.mktemp("logs") / "stack.log", SMTP_PORT=str(relay.port),
                     **MAIL_SETTINGS) as running:
        yield running


base_url = system.base_url
org, member = orgs.org, orgs.member
