"""The forms service — and the services its submissions reach (contacts: the contact; campaigns: the consent;
opportunities: the task) — as processes (``nameko run``, as scripts/stack.py starts them) on a fresh database built
by their migrations and a fresh RabbitMQ vhost, with a real SMTP relay of their own on loopback (aiosmtpd,
``forms_relay``: double opt-in confirmations); tests call the services over RPC like the gateway does.

Fixtures are prefixed ``forms_``; each area's test modules keep their own helpers in their module (or in
``forms_<area>_helpers.py`` beside them).
"""
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_common.config import sqlalchemy_url
from carnet_testing import bootstrapped_env, rpc_config, running_services
from carnet_testing.captcha import site_verify
from carnet_testing.mail import smtp_relay

UNDER_TEST = [service for service in SERVICES if service["name"] in ("forms", "contacts", "campaigns", "opportunities")]
CAPTCHA_SITE_KEY = "site-key-1"


@pytest.fixture(scope="session")
def forms_relay():
    with smtp_relay() as relay:
        yield relay


@pytest.fixture(scope="session")
def forms_site_verify():
    """The captcha provider's verifier the forms service asks (``FORMS_CAPTCHA_VERIFY_URL``, F-4): a stand-in that
    passes the token "good", fails any other and errs on "down"; its address."""
    with site_verify() as stand_in:
        yield stand_in.url


@pytest.fixture(scope="session")
def forms_env(forms_relay, forms_site_verify):
    with bootstrapped_env(UNDER_TEST, root=ROOT, LOG_LEVEL="WARNING",
                          SMTP_HOST="127.0.0.1", SMTP_PORT=str(forms_relay.port),
                          FORMS_CAPTCHA_VERIFY_URL=forms_site_verify, FORMS_CAPTCHA_SITE_KEY=CAPTCHA_SITE_KEY) as env:
        yield env


@pytest.fixture(scope="session")
def forms_processes(forms_env, tmp_path_factory):
    """The running services; a test may stop and restart one (contacts down while submissions arrive, F-5)."""
    with running_services(UNDER_TEST, root=ROOT, env=forms_env,
                          log_dir=tmp_path_factory.mktemp("logs")) as processes:
        yield processes


@pytest.fixture(scope="session")
def forms_proxy(forms_processes, forms_env):
    with ClusterRpcProxy(rpc_config(forms_env), timeout=20) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def forms_rpc(forms_proxy):
    return forms_proxy.forms


@pytest.fixture(scope="session")
def forms_contacts_rpc(forms_proxy):
    return forms_proxy.contacts


@pytest.fixture(scope="session")
def forms_engine(forms_env):
    engine = sa.create_engine(sqlalchemy_url(forms_env["DATABASE_URL"]))
    yield engine
    engine.dispose()
