"""End-to-end fixtures for lists, contacts and accounts: identity + contacts + gateway processes, started
as ``scripts/stack.py`` starts them, on a fresh database, vhost and Redis prefix, driven over HTTP only
(paths below ``/api/v1``). The helpers live in tests/support; the names below are what this suite's modules
import ``from conftest``.
"""
import functools

import enrichment_site
import pytest
from stack import Stack  # noqa: F401
from support import orgs, system
from support.http import PASSWORD, assert_problem, finished_job, login, ok, unique  # noqa: F401
from support.http import ApiClient as Client
from support.http import sign_up as _sign_up

from carnet_testing import eventually  # noqa: F401

sign_up = functools.partial(_sign_up, client_class=Client)
# The abuse limits (S-10) are tested in tests/e2e; here one address signs up and logs in for every test.
start_stack = system.stack_starter(READINESS_SERVICES="identity,contacts", LOG_LEVEL="WARNING",
                                   SIGNUP_MAX_PER_ADDRESS=100_000, SIGNUP_MAX_TOTAL=100_000,
                                   LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE=100_000)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The suite's system, whose contacts service may read the enrichment tests' local site (C-6)."""
    with enrichment_site.running() as settings, \
            start_stack(tmp_path_factory.mktemp("logs") / "stack.log", **settings) as running:
        yield running


base_url = system.base_url
org, member = orgs.org, orgs.member
