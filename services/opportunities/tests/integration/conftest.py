"""The opportunities service — and the contacts service, whose events feed its read model — as processes
(``nameko run``, as scripts/stack.py starts them) on a fresh database built by their migrations and a fresh
RabbitMQ vhost; tests call them over RPC like the gateway does, or publish contacts events themselves.

Fixtures are prefixed ``opp_`` so test modules of other areas may define their own without a clash.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common.config import sqlalchemy_url
from carnet_common.events import make_envelope
from carnet_common.testing import fresh_database, fresh_redis_prefix, fresh_vhost, test_env

ROOT = Path(__file__).resolve().parents[4]
BIN = Path(sys.executable).parent
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
SERVICES = {
    "opportunities": ("services/opportunities", "carnet_opportunities.service:OpportunitiesService",
                      "OPPORTUNITIES_HTTP_ADDRESS"),
    "contacts": ("services/contacts", "carnet_contacts.service:ContactsService", "CONTACTS_HTTP_ADDRESS"),
}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def opp_env():
    with fresh_database() as database_url, fresh_vhost() as amqp_uri:
        env = test_env(database_url, amqp_uri, fresh_redis_prefix(), LOG_LEVEL="WARNING",
                       **{http_env: f"127.0.0.1:{_free_port()}" for _, _, http_env in SERVICES.values()})
        for directory, cls, _ in SERVICES.values():
            subprocess.run([str(BIN / "python"), "-m", "carnet_common.bootstrap",
                            "--config", str(ROOT / directory / "config.yml"),
                            "--alembic", str(ROOT / directory / "alembic.ini"), "--service", cls],
                           env=env, check=True, capture_output=True)
        yield env


def _start(name, env, log_dir):
    directory, cls, _ = SERVICES[name]
    log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen([str(BIN / "nameko"), "run", "--config", str(ROOT / directory / "config.yml"), cls],
                               env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log = log
    return process


def _stop(process):
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.log.close()


class Processes:
    """The running services; a test may stop and restart the opportunities one (mid-stream of events)."""

    def __init__(self, env, log_dir):
        self.env, self.log_dir = env, log_dir
        self.running = {name: _start(name, env, log_dir) for name in SERVICES}

    def restart(self, name, *, before_start=None):
        _stop(self.running[name])
        if before_start:
            before_start()
        self.running[name] = _start(name, self.env, self.log_dir)

    def stop_all(self):
        for process in self.running.values():
            _stop(process)


@pytest.fixture(scope="session")
def opp_processes(opp_env, tmp_path_factory):
    processes = Processes(opp_env, tmp_path_factory.mktemp("logs"))
    try:
        yield processes
    finally:
        processes.stop_all()


def wait_ping(proxy, name, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            assert getattr(proxy, name).ping() == "pong"
            return
        except Exception:  # noqa: BLE001 - not consuming yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="session")
def opp_proxy(opp_processes, opp_env):
    config = {"AMQP_URI": opp_env["AMQP_URI"], "serializer": "json"}
    with ClusterRpcProxy(config, timeout=20) as proxy:
        for name in SERVICES:
            wait_ping(proxy, name)
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
        self.dispatch = event_dispatcher({"AMQP_URI": env["AMQP_URI"], "serializer": "json"})

    def __call__(self, event_type, data, *, envelope=None):
        envelope = envelope or make_envelope(data)
        self.dispatch("contacts", event_type, envelope)
        return envelope


@pytest.fixture(scope="session")
def opp_publish(opp_processes, opp_env):
    return Publisher(opp_env)

