"""The identity service as it runs in production: bootstrapped, then a real ``nameko run`` process.

One PostgreSQL database, RabbitMQ vhost and Redis key prefix per test run (carnet_common.testing), so
runs never collide; the service is started the way scripts/stack.py starts it, its JSON log captured.
"""
import os
import socket
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from carnet_common.testing import fresh_database, fresh_redis_prefix, fresh_vhost, test_env

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "scripts"))
import stack as carnet_stack  # noqa: E402  (scripts/ is not a package)
from identity_harness import Org, Running  # noqa: E402

IDENTITY = next(service for service in carnet_stack.SERVICES if service["name"] == "identity")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(process, address, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"identity exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"http://{address}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"identity not ready after {timeout} s:\n{log_path.read_text()}")


@pytest.fixture(scope="session")
def identity(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("identity") / "identity.log"
    redis_prefix = fresh_redis_prefix()
    previous_prefix = os.environ.get("CARNET_REDIS_PREFIX")
    os.environ["CARNET_REDIS_PREFIX"] = redis_prefix  # so redis_keys here names the service's keys
    with fresh_database("carnet_identity_t") as database_url, fresh_vhost("carnet_identity_t") as amqp_uri:
        env = test_env(database_url, amqp_uri, redis_prefix)
        carnet_stack.bootstrap(IDENTITY, env)
        http_port = free_port()
        with open(log_path, "w") as log:
            stack = carnet_stack.Stack(env, log=log, port_offset=http_port - IDENTITY["http_port"])
            process = stack.start_service(IDENTITY)
            running = Running(database_url=database_url, amqp_uri=amqp_uri, redis_prefix=redis_prefix,
                              http=stack.service_address(IDENTITY), log_path=log_path)
            try:
                wait_ready(process, running.http, log_path)
                yield running
            finally:
                stack.stop()
                running.engine.dispose()
                for key in running.redis.scan_iter(match=redis_prefix + "*", count=1000):
                    running.redis.delete(key)
                if previous_prefix is None:
                    os.environ.pop("CARNET_REDIS_PREFIX", None)
                else:
                    os.environ["CARNET_REDIS_PREFIX"] = previous_prefix


@pytest.fixture(scope="session")
def rpc(identity):
    proxy = identity.proxy()
    cluster = proxy.start()
    yield cluster
    proxy.stop()


@pytest.fixture(scope="session")
def svc(rpc):
    return rpc.identity


@pytest.fixture
def org(svc):
    return Org(svc)


@pytest.fixture
def make_org(svc):
    return lambda **kwargs: Org(svc, **kwargs)


