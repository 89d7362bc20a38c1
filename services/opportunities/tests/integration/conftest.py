"""The opportunities service — and the contacts service, whose events feed its read model — as processes
(``nameko run``, as scripts/stack.py starts them) on a fresh database built by their migrations and a fresh
RabbitMQ vhost; tests call them over RPC like the gateway does, or publish contacts events themselves.

Fixtures are prefixed ``opp_`` so test modules of other areas may define their own without a clash.
"""
import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_common.config import sqlalchemy_url
from carnet_common.events import make_envelope
from carnet_testing import bootstrapped_env, rpc_config, running_services

UNDER_TEST = [service for service in SERVICES if service["name"] in ("opportunities", "contacts")]


@pytest.fixture(scope="session")
def opp_env():
    with bootstrapped_env(UNDER_TEST, root=ROOT, LOG_LEVEL="WARNING") as env:
        yield env


@pytest.fixture(scope="session")
def opp_processes(opp_env, tmp_path_factory):
    """The running services; a test may stop and restart the opportunities one (mid-stream of events)."""
    with running_services(UNDER_TEST, root=ROOT, env=opp_env, log_dir=tmp_path_factory.mktemp("logs")) as processes:
        yield processes


@pytest.fixture(scope="session")
def opp_proxy(opp_processes, opp_env):
    with ClusterRpcProxy(rpc_config(opp_env), timeout=20) as proxy:
        yield proxy


@pytest.fixture(scope="session")
def opp_rpc(opp_proxy):
    return opp_proxy.opportunities


@pytest.fixture(scope="session")
def opp_contacts_rpc(opp_proxy):
    return opp_proxy.contacts


@pytest.fixture(scope="session")
def opp_engine(opp_env):
    engine = sa.create_engine(sqlalchemy_url(opp_env["DATABASE_URL"]))
    yield engine
    engine.dispose()


class Publisher:
    """Publishes events as the contacts service would (``contacts.<type>`` with an envelope)."""

    def __init__(self, env):
        self.dispatch = event_dispatcher(rpc_config(env))

    def __call__(self, event_type, data, *, envelope=None, occurred_at=None):
        """``occurred_at``: the envelope's time (a datetime), which orders deletes and restores in the read model."""
        envelope = envelope or make_envelope(data)
        if occurred_at is not None:
            envelope = {**envelope, "occurred_at": occurred_at.isoformat()}
        self.dispatch("contacts", event_type, envelope)
        return envelope


@pytest.fixture(scope="session")
def opp_publish(opp_processes, opp_env):
    return Publisher(opp_env)
