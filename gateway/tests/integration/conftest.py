"""The gateway's checks that count in Redis (``limits.py``: Lua scripts, atomic), against the real Redis under a
Redis prefix of this run; no other server is needed."""
import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401  (quietly, before the gateway imports nameko)

from carnet_common import (
    config,  # noqa: E402
    redis_keys,  # noqa: E402
)
from carnet_gateway.app import create_app  # noqa: E402
from carnet_gateway.settings import Settings  # noqa: E402
from carnet_testing import fresh_redis_prefix  # noqa: E402

LIMITS = dict(login_user_failures=3, login_pair_failures=2, login_ip_failures=5, login_ip_attempts_per_minute=10,
              login_window_seconds=900, signup_max_per_address=3, signup_max_total=5, signup_max_taken_per_address=2,
              signup_max_taken_total=3, signup_window_seconds=3600, api_requests_per_user_minute=4)


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore::eventlet.EventletDeprecationWarning")


@pytest.fixture
def redis(monkeypatch):
    """The real Redis, every key of the test under a prefix of its own (deleted afterwards)."""
    prefix = fresh_redis_prefix()
    monkeypatch.setenv("CARNET_REDIS_PREFIX", prefix)
    client = redis_keys.client()
    yield client
    for key in client.scan_iter(match=prefix + "*", count=1000):
        client.delete(key)


@pytest.fixture
def app(redis):
    settings = Settings(amqp_uri="amqp://unused", redis_url=config.redis_url(), rpc_timeout=1.0,
                        signup_enabled=True, max_body_bytes=2048, principal_ttl=300, trusted_proxies=0,
                        readiness_services=("identity",), **LIMITS)
    app = create_app(settings)
    app.config["TESTING"] = True
    return app
