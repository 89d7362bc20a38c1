"""The campaigns service — and the contacts service, whose events feed its read model — as processes (``nameko
run``, as scripts/stack.py starts them) on a fresh database built by their migrations and a fresh RabbitMQ vhost,
with a real SMTP relay (aiosmtpd, ``camp_relay``) and a real DNS server (dnslib, ``camp_dns``) of their own on
loopback; tests call the services over RPC like the gateway does, or publish contacts events themselves.

Fixtures are prefixed ``camp_``; each area's test modules keep their own helpers in their module (or in
``camp_<area>_helpers.py`` beside them).
"""
import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_common.config import sqlalchemy_url
from carnet_common.events import make_envelope
from carnet_testing import bootstrapped_env, rpc_config, running_services
from carnet_testing.dns import dns_server
from carnet_testing.mail import smtp_relay

UNDER_TEST = [service for service in SERVICES if service["name"] in ("campaigns", "contacts")]


@pytest.fixture(scope="session")
def camp_relay():
    with smtp_relay() as relay:
        yield relay


@pytest.fixture(scope="session")
def camp_dns():
    with dns_server() as zone:
        yield zone


@pytest.fixture(scope="session")
def camp_env(camp_relay, camp_dns):
    with bootstrapped_env(UNDER_TEST, root=ROOT, LOG_LEVEL="WARNING",
                          CAMPAIGNS_SMTP_HOST="127.0.0.1", CAMPAIGNS_SMTP_PORT=str(camp_relay.port),
                          CAMPAIGNS_DNS_SERVER="127.0.0.1", CAMPAIGNS_DNS_PORT=str(camp_dns.port)) as env:
        yield env


@pytest.fixture(scope="session")
def camp_processes(camp_env, tmp_path_factory):
    """The running services; a test may stop and restart the campaigns one (a crash mid-campaign)."""
    with running_services(UNDER_TEST, root=ROOT, env=camp_env,
                          log_dir=tmp_path_factory.mktemp("logs")) as processes:
        yield processes


@pytest.fixture(scope="session")
def camp_proxy(camp_processes, camp_env):
    with ClusterRpcProxy(rpc_config(camp_env), timeout=20) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def camp_rpc(camp_proxy):
    return camp_proxy.campaigns


@pytest.fixture(scope="session")
def camp_contacts_rpc(camp_proxy):
    return camp_proxy.contacts


@pytest.fixture(scope="session")
def camp_engine(camp_env):
    engine = sa.create_engine(sqlalchemy_url(camp_env["DATABASE_URL"]))
    yield engine
    engine.dispose()


class Publisher:
    """Publishes events as another service would (``<service>.<type>`` with an envelope)."""

    def __init__(self, env):
        self.dispatch = event_dispatcher(rpc_config(env))

    def __call__(self, event_type, data, *, source="contacts", envelope=None):
        envelope = envelope or make_envelope(data)
        self.dispatch(source, event_type, envelope)
        return envelope


@pytest.fixture(scope="session")
def camp_publish(camp_processes, camp_env):
    return Publisher(camp_env)
