"""The contacts service as a process (``nameko run``, as scripts/stack.py starts it) on a fresh database
built by its migrations and a fresh RabbitMQ vhost; tests call it over RPC like the gateway does, and read its
tables (outbox, inbox, summaries) through ``engine`` to prove what happened."""
import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_common.config import sqlalchemy_url
from carnet_testing import bootstrapped_env, rpc_config, running_services

CONTACTS = [service for service in SERVICES if service["name"] == "contacts"]


@pytest.fixture(scope="session")
def service_env():
    with bootstrapped_env(CONTACTS, root=ROOT, LOG_LEVEL="WARNING") as env:
        yield env


@pytest.fixture(scope="session")
def service(service_env, tmp_path_factory):
    with running_services(CONTACTS, root=ROOT, env=service_env, log_dir=tmp_path_factory.mktemp("logs")) as processes:
        yield processes.running["contacts"]


@pytest.fixture(scope="session")
def rpc(service, service_env):
    with ClusterRpcProxy(rpc_config(service_env), timeout=20) as proxy:
        yield proxy.contacts


@pytest.fixture(scope="session")
def database_url(service_env):
    return service_env["DATABASE_URL"]


@pytest.fixture(scope="session")
def engine(database_url):
    """The service's database, for what a test reads or seeds beside the RPCs."""
    engine = sa.create_engine(sqlalchemy_url(database_url))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def metrics_address(service, service_env):
    """Where the running service serves ``/metrics`` (``carnet_testing.metric_value``)."""
    return service_env["CONTACTS_HTTP_ADDRESS"]


@pytest.fixture(scope="session")
def dispatch(service_env):
    """Publishes an event on the service's broker as another service's outbox relay does."""
    return event_dispatcher({"AMQP_URI": service_env["AMQP_URI"], "serializer": "json"})
