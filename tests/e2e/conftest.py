"""End-to-end fixtures: the real system (service and gateway processes on PostgreSQL, RabbitMQ and Redis)
started the way ``make run`` starts it (``scripts/stack.py``), on free ports, in a fresh database, vhost
and Redis prefix, and driven over HTTP only (paths from the base URL: ``/api/v1/...``).

One stack serves the whole session. Tests that need other settings, or that stop a process and leave it stopped
for a while, start their own short-lived stack (``start_stack``) so they never disturb the shared one; the supervisor's
``kill -9`` test uses the shared one, as it ends only once the killed service answers again. The helpers live in
tests/support; the names below are what this suite's modules import ``from conftest``.
"""
import contextlib
import warnings

import pytest
import requests

# eventlet announces on import that it is in maintenance mode (nameko 2 depends on it, and the tests import
# the gateway's route registry): import it quietly first.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401

from stack import SERVICES, Stack, free_port, free_port_offset, fresh_stack  # noqa: E402, F401
from support import system  # noqa: E402
from support.http import (  # noqa: E402, F401
    PASSWORD,
    Client,
    assert_problem,
    attempt_login,
    create_user,
    login,
    new_address,
    sign_up,
    unique,
)

IDENTITY = next(s for s in SERVICES if s["name"] == "identity")
# Small limits so the limit tests stay fast; the address limit is exercised through X-Forwarded-For
# (TRUSTED_PROXIES=1) so that each test throttles its own made-up address, never 127.0.0.1.
MAIN_SETTINGS = {
    "MAX_BODY_BYTES": 65536,
    "LOGIN_MAX_FAILURES_PER_USER": 3,
    "LOGIN_MAX_FAILURES_PER_IP": 5,
    "LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE": 8,
    "TRUSTED_PROXIES": 1,
    "LOG_LEVEL": "WARNING",
    # This suite signs up over a hundred organizations from 127.0.0.1 within minutes; the sign-up limits are
    # exercised on ``limited_stack``.
    "SIGNUP_MAX_PER_ADDRESS": 100_000,
    "SIGNUP_MAX_TOTAL": 100_000,
    "SIGNUP_MAX_TAKEN_PER_ADDRESS": 100_000,
    "SIGNUP_MAX_TAKEN_TOTAL": 100_000,
    # S-7: the one plan besides the default that this installation's operator offers at sign-up.
    "SIGNUP_PLANS": "growth",
}
# Small abuse limits, and /metrics on an operations port as in Kubernetes (deploy/k8s/gateway/deployment.yaml).
LIMITED_SETTINGS = {
    "SIGNUP_MAX_PER_ADDRESS": 2,
    "SIGNUP_MAX_TAKEN_PER_ADDRESS": 1,
    "SIGNUP_MAX_TAKEN_TOTAL": 100,
    "API_REQUESTS_PER_USER_MINUTE": 20,
    "TRUSTED_PROXIES": 1,
    "LOG_LEVEL": "WARNING",
}

start_stack = system.stack_starter()
stack = system.session_stack(start_stack, **MAIN_SETTINGS)
base_url = system.base_url


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore::eventlet.EventletDeprecationWarning")


@pytest.fixture
def org(base_url):
    """A fresh organization: its admin client and the sign-up answer."""
    admin, created = sign_up(base_url)
    return {"admin": admin, "organization": created["organization"], "user": created["user"]}


@pytest.fixture
def member(base_url, org):
    """A non-admin user of ``org`` holding a fresh role, logged in."""
    role = org["admin"].post("/api/v1/roles", json={"name": unique("role")}).json()
    user = create_user(org["admin"], role_id=role["id"])
    client = Client(base_url, token=login(base_url, user["username"]))
    return {"client": client, "user": user, "role": role}


@contextlib.contextmanager
def _stack_with_operations_port(log_path, **settings):
    """``fresh_stack``, but on ports chosen here: the gateway binds its public port and its operations port (as
    ``GUNICORN_CMD_ARGS`` does in Kubernetes) and serves /metrics on the latter only (``METRICS_PORT``)."""
    from carnet_testing import fresh_database, fresh_redis_prefix, fresh_vhost, test_env

    public, operations = free_port(), free_port()
    settings = {**settings, "METRICS_PORT": operations,
                "GUNICORN_CMD_ARGS": f"--bind=127.0.0.1:{public} --bind=127.0.0.1:{operations}"}
    with fresh_database() as database_url, fresh_vhost() as amqp_uri, open(log_path, "a", encoding="utf-8") as log:
        running = Stack(test_env(database_url, amqp_uri, fresh_redis_prefix(), **settings), gateway_port=public,
                        port_offset=free_port_offset(), log=log)
        running.operations_url = f"http://127.0.0.1:{operations}"
        try:
            running.bootstrap()
            running.start(timeout=90)
            yield running
        finally:
            running.stop()


class BesideStack:
    """The suite's stack, reached through another gateway (``url``)."""

    def __init__(self, stack, url):
        self.stack, self.url = stack, url

    def __getattr__(self, name):
        return getattr(self.stack, name)


@contextlib.contextmanager
def gateway_beside(stack, metrics_dir, **settings):
    """A gateway of its own in front of ``stack``'s services (as a second deployment of the gateway would be), with
    the installation's defaults but ``settings``, and a Redis prefix of its own (its counters are never the suite
    gateway's; identity's sessions are not seen through it). Started in a few seconds, where a whole stack takes
    25-60 s: for tests whose settings are the gateway's only."""
    from stack import BIN, ROOT

    from carnet_testing import eventually, fresh_redis_prefix

    port = free_port()
    env = {key: value for key, value in stack.env.items() if key not in MAIN_SETTINGS}
    env.update(CARNET_SERVICE="gateway", GATEWAY_BIND=f"127.0.0.1:{port}", GATEWAY_WORKERS="1",
               PROMETHEUS_MULTIPROC_DIR=str(metrics_dir), CARNET_REDIS_PREFIX=fresh_redis_prefix(),
               **{key: str(value) for key, value in settings.items()})
    process = stack._spawn(f"gateway-{port}", [str(BIN / "gunicorn"), "-c", str(ROOT / "gateway/gunicorn.conf.py"),
                                               "carnet_gateway.app:create_app()"], env)
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return requests.get(url + "/readyz", timeout=3).status_code == 200
        except requests.RequestException:
            return False
    try:
        eventually(ready, timeout=60, interval=0.2, what=f"the gateway at {url} ready")
        yield BesideStack(stack, url)
    finally:
        stack.stop_process(process)
        stack.processes.remove(process)


@pytest.fixture(scope="session")
def limited_stack(tmp_path_factory):
    """A system of its own with ``LIMITED_SETTINGS``, started once for the tests that need it."""
    with _stack_with_operations_port(tmp_path_factory.mktemp("limited") / "stack.log", **LIMITED_SETTINGS) as running:
        yield running
