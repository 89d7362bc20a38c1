"""End-to-end fixtures for forms (issue 14): every service and the gateway, started as ``scripts/stack.py``
starts them, on a fresh database, vhost and Redis prefix, with the suite's own real SMTP relay (aiosmtpd: the double
opt-in confirmations — and campaigns' e-mails — are read from it) and DNS server, driven over HTTP only (paths below
``/api/v1``; the public side ``/f/...`` at the gateway's root). The names below are what this suite's modules import
``from conftest``; helpers shared with other suites go in tests/support (``support/forms.py``).
"""
import functools

from stack import Stack  # noqa: F401
from support import orgs, system
from support.http import PASSWORD, assert_problem, finished_job, login, ok, unique  # noqa: F401
from support.http import ApiClient as Client
from support.http import sign_up as _sign_up

from carnet_testing import eventually  # noqa: F401

sign_up = functools.partial(_sign_up, client_class=Client)
start_stack = system.stack_starter(LOG_LEVEL="WARNING", SIGNUP_MAX_PER_ADDRESS=100_000, SIGNUP_MAX_TOTAL=100_000,
                                   LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE=100_000)


stack = system.session_stack_with_mail(start_stack, forms_relay=True)
relay, dns_zone = system.relay, system.dns_zone

base_url = system.base_url
org, member = orgs.org, orgs.member
