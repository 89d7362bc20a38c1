"""Hand-written fakes for the gateway's two collaborators (Redis and the RPC client), and an app that uses
them: no network in unit tests."""
import copy
import fnmatch
import time
import warnings

import pytest

# eventlet announces on import that it is in maintenance mode (nameko 2 depends on it): import it quietly
# before the gateway imports nameko.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401

from flask import Flask  # noqa: E402

import carnet_gateway.app  # noqa: E402
from carnet_common import redis_keys  # noqa: E402
from carnet_gateway import openapi, problems  # noqa: E402
from carnet_gateway.app import create_app  # noqa: E402
from carnet_gateway.settings import Settings  # noqa: E402


class FakeRedis:
    """The handful of Redis commands the gateway uses, with TTLs on a controllable clock."""

    def __init__(self):
        self.data = {}
        self.expiry = {}
        self.now = time.time()

    def _alive(self, key):
        if key in self.expiry and self.expiry[key] <= self.now:
            self.data.pop(key, None)
            self.expiry.pop(key, None)
        return key in self.data

    def get(self, key):
        return self.data[key] if self._alive(key) else None

    def mget(self, *keys):
        return [self.get(key) for key in keys]

    def set(self, key, value, ex=None):
        self.data[key] = str(value)
        if ex:
            self.expiry[key] = self.now + ex
        return True

    def hset(self, key, mapping):
        self.data.setdefault(key, {}).update({k: str(v) for k, v in mapping.items()})

    def hgetall(self, key):
        return dict(self.data[key]) if self._alive(key) else {}

    def delete(self, *keys):
        return sum(1 for key in keys if self.data.pop(key, None) is not None)

    def incr(self, key):
        value = int(self.get(key) or 0) + 1
        self.data[key] = str(value)
        return value

    def expire(self, key, seconds, nx=False):
        if not self._alive(key) or (nx and key in self.expiry):
            return False
        self.expiry[key] = self.now + seconds
        return True

    def ttl(self, key):
        if not self._alive(key):
            return -2
        return int(self.expiry[key] - self.now) if key in self.expiry else -1

    def keys(self, pattern):
        return [key for key in list(self.data) if self._alive(key) and fnmatch.fnmatch(key, pattern)]

    def ping(self):
        return True

    def pipeline(self):
        return FakePipeline(self)


class FakePipeline:
    def __init__(self, redis):
        self.redis, self.calls = redis, []

    def __getattr__(self, name):
        def queue(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            return self
        return queue

    def execute(self):
        results = [getattr(self.redis, name)(*args, **kwargs) for name, args, kwargs in self.calls]
        self.calls = []
        return results


class FakeRpc:
    """Answers ``call(service, method, *args)`` from ``answers[(service, method)]``: a value, an exception to
    raise, or a function of the arguments. Records every call."""

    def __init__(self):
        self.answers = {}
        self.calls = []

    def call(self, service, method, *args, **kwargs):
        self.calls.append((service, method, args))
        answer = self.answers[(service, method)]
        if isinstance(answer, Exception):
            raise answer
        return answer(*args) if callable(answer) else answer


def make_settings(**changes):
    values = dict(amqp_uri="amqp://unused", redis_url="redis://unused", rpc_timeout=1.0, signup_enabled=True,
                  max_body_bytes=2048, principal_ttl=300, login_user_failures=3, login_ip_failures=5,
                  login_ip_attempts_per_minute=10, login_window_seconds=900, trusted_proxies=0,
                  readiness_services=("identity",), login_pair_failures=2)
    values.update(changes)
    return Settings(**values)


def principal(*, user_id="u1", org_id="o1", is_admin=False, modules=None, fields=None, language=None):
    actions = ("read", "write", "delete", "export")
    return {
        "user": {"id": user_id, "org_id": org_id, "username": f"user-{user_id}", "language": language},
        "organization": {"id": org_id, "name": "Org"},
        "role": None,
        "is_admin": is_admin,
        "permissions": {"modules": {m: {a: a in granted for a in actions} for m, granted in (modules or {}).items()},
                        "fields": fields or {}, "special": {}},
        "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False},
        "subordinate_ids": [],
    }


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore::eventlet.EventletDeprecationWarning")


_BUILT_SPECS = {}


def _build_spec_once(api, **options):
    """``openapi.build_spec``, built once a session for each state of a registry and copied for each app.

    Why: the document is a function of the route registry alone, fixed once the routes modules are imported,
    and building it was more than half of each ``create_app`` (0.13 s of 0.24 s, over 200 apps a run). The copy
    keeps apps apart: no test sees a change another made to its app's document."""
    key = (id(api), len(api.operations), tuple(sorted(options.items())))
    if key not in _BUILT_SPECS:
        _BUILT_SPECS[key] = openapi.build_spec(api, **options)
    return copy.deepcopy(_BUILT_SPECS[key])


carnet_gateway.app.build_spec = _build_spec_once


@pytest.fixture
def redis():
    return FakeRedis()


@pytest.fixture
def rpc():
    return FakeRpc()


@pytest.fixture(scope="session")
def _made_app():
    """One ``create_app`` for the session, with its configuration and extensions as made: creating an app per test
    (werkzeug compiles 400 rules, 0.1-0.2 s) was most of this suite's time."""
    app = create_app(make_settings())
    app.config["TESTING"] = True
    return app, dict(app.config), dict(app.extensions)


@pytest.fixture
def app(_made_app, redis, rpc):
    """The gateway's app with this test's fakes, its configuration and extensions as ``create_app`` made them
    (whatever an earlier test changed is put back). Its routes and hooks are fixed once it has served a request:
    Flask refuses a route or hook added after that, so no test can change them for the next one."""
    app, config, extensions = _made_app
    app.config.clear()
    app.config.update(config)
    app.extensions.clear()
    app.extensions.update(extensions, **{"carnet.redis": redis, "carnet.rpc": rpc})
    return app


@pytest.fixture(scope="session")
def served_document(_made_app):
    """The session app's OpenAPI document, for the tests that only read it (none changes it)."""
    return _made_app[2]["carnet.openapi"]


@pytest.fixture
def client(app):
    return app.test_client()


def registry_app(registry, redis, rpc, **config):
    """A bare Flask app serving only ``registry``'s routes (tests declare their own), with the fakes."""
    app = Flask(__name__)
    app.config.update(CARNET=make_settings(), TESTING=True, **config)
    app.extensions.update({"carnet.redis": redis, "carnet.rpc": rpc})
    registry.register(app)
    problems.register(app)
    return app


def sign_in(client, redis, rpc, *, fields=None, **modules):
    """``client`` authenticated as u1 of o1, whose role has ``modules`` (module → actions) and ``fields``;
    effective at the next request, as after a role change (identity bumps the authorization generation)."""
    open_session(redis, "tok")
    rpc.answers[("identity", "get_principal")] = lambda user_id: principal(modules=modules, fields=fields)
    redis.incr(redis_keys.authz_generation_key("o1"))
    client.environ_base["HTTP_AUTHORIZATION"] = "Bearer tok"
    return client


def open_session(redis, token, *, user_id="u1", org_id="o1", expires_in=3600):
    """What identity writes at login (``carnet_identity.sessions.create``)."""
    redis.hset(redis_keys.session_key(redis_keys.token_digest(token)),
               mapping={"user_id": user_id, "org_id": org_id, "expires_at": int(time.time()) + expires_in})
