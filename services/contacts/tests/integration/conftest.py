"""The contacts service as a process (``nameko run``, as scripts/stack.py starts it) on a fresh database
built by its migrations and a fresh RabbitMQ vhost; tests call it over RPC like the gateway does."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common.testing import fresh_database, fresh_redis_prefix, fresh_vhost, test_env

SERVICE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def service_env():
    with fresh_database() as database_url, fresh_vhost() as amqp_uri:
        env = test_env(database_url, amqp_uri, fresh_redis_prefix(), LOG_LEVEL="WARNING",
                       CONTACTS_HTTP_ADDRESS=f"127.0.0.1:{_free_port()}")
        subprocess.run([str(BIN / "python"), "-m", "carnet_common.bootstrap",
                        "--config", str(SERVICE_DIR / "config.yml"), "--alembic", str(SERVICE_DIR / "alembic.ini"),
                        "--service", "carnet_contacts.service:ContactsService"], env=env, check=True)
        yield env


@pytest.fixture(scope="session")
def service(service_env, tmp_path_factory):
    log_path = tmp_path_factory.mktemp("logs") / "contacts.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [str(BIN / "nameko"), "run", "--config", str(SERVICE_DIR / "config.yml"),
             "carnet_contacts.service:ContactsService"],
            env=service_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def rpc(service, service_env):
    config = {"AMQP_URI": service_env["AMQP_URI"], "serializer": "json"}
    with ClusterRpcProxy(config, timeout=20) as proxy:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert proxy.contacts.ping() == "pong"
                break
            except Exception:  # noqa: BLE001 - not consuming yet
                if time.monotonic() > deadline or service.poll() is not None:
                    raise
                time.sleep(0.5)
        yield proxy.contacts


@pytest.fixture(scope="session")
def database_url(service_env):
    return service_env["DATABASE_URL"]
