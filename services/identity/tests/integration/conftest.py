"""The identity service as it runs in production: bootstrapped, then a real ``nameko run`` process.

One PostgreSQL database, RabbitMQ vhost and Redis key prefix per test run (carnet_testing), so
runs never collide; the service is started the way scripts/stack.py starts it, its JSON log captured.
"""
import pytest
from identity_harness import OFFERED, Org, Running
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_testing import bootstrapped_env, fresh_redis_prefix, running_services

IDENTITY = next(service for service in SERVICES if service["name"] == "identity")


@pytest.fixture(scope="session")
def identity(tmp_path_factory):
    redis_prefix = fresh_redis_prefix()
    log_dir = tmp_path_factory.mktemp("identity")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CARNET_REDIS_PREFIX", redis_prefix)  # so redis_keys here names the service's keys
        with bootstrapped_env([IDENTITY], root=ROOT, prefix="carnet_identity_t", redis_prefix=redis_prefix,
                              SIGNUP_PLANS=OFFERED) as env:
            running = Running(database_url=env["DATABASE_URL"], amqp_uri=env["AMQP_URI"], redis_prefix=redis_prefix,
                              http=env[IDENTITY["http_env"]], log_path=log_dir / "identity.log")
            try:
                with running_services([IDENTITY], root=ROOT, env=env, log_dir=log_dir):
                    yield running
            finally:
                running.engine.dispose()
                for key in running.redis.scan_iter(match=redis_prefix + "*", count=1000):
                    running.redis.delete(key)


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
