"""End-to-end fixtures: the real system (service and gateway processes on PostgreSQL, RabbitMQ and Redis)
started the way ``make run`` starts it (``scripts/stack.py``), on free ports, in a fresh database, vhost
and Redis prefix, and driven over HTTP only.

One stack serves the whole session. Tests that need other settings, or that stop a process, start their
own short-lived stack (``start_stack``) so they never disturb the shared one.
"""
import itertools
import os
import sys
import uuid
import warnings
from pathlib import Path

import pytest
import requests

# eventlet announces on import that it is in maintenance mode (nameko 2 depends on it, and the tests import
# the gateway's route registry): import it quietly first.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401


ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from stack import SERVICES, Stack, fresh_stack  # noqa: E402, F401

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

IDENTITY = next(s for s in SERVICES if s["name"] == "identity")
PASSWORD = "correct-horse-battery"
# Small limits so the limit tests stay fast; the address limit is exercised through X-Forwarded-For
# (TRUSTED_PROXIES=1) so that each test throttles its own made-up address, never 127.0.0.1.
MAIN_SETTINGS = {
    "MAX_BODY_BYTES": 65536,
    "LOGIN_MAX_FAILURES_PER_USER": 3,
    "LOGIN_MAX_FAILURES_PER_IP": 5,
    "LOGIN_MAX_ATTEMPTS_PER_IP_MINUTE": 8,
    "TRUSTED_PROXIES": 1,
    "LOG_LEVEL": "WARNING",
}


def pytest_configure(config):
    config.addinivalue_line("filterwarnings", "ignore::eventlet.EventletDeprecationWarning")


def start_stack(log_path, **settings):
    """A fresh system on free ports (``scripts/stack.py``), for tests that need their own settings."""
    return fresh_stack(log_path, **settings)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("logs") / "stack.log"
    with start_stack(log_path, **MAIN_SETTINGS) as running:
        yield running


@pytest.fixture(scope="session")
def base_url(stack):
    return stack.url


_counter = itertools.count()


def unique(prefix="u"):
    """A username (or other unique text) no other test uses."""
    return f"{prefix}{next(_counter)}_{uuid.uuid4().hex[:8]}"


class Client:
    """``requests`` against the gateway, with an optional bearer token (one keep-alive session each)."""

    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.token = token
        self.session = requests.Session()

    def request(self, method, path, *, headers=None, **kwargs):
        merged = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        merged.update(headers or {})
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + path, headers=merged, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


_addresses = itertools.count(1)


def new_address():
    """A client address of its own (sent as X-Forwarded-For), so login throttling per address never
    leaks from one test into another."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def attempt_login(base_url, username, password=PASSWORD, *, address=None, **headers):
    return requests.post(base_url + "/api/v1/auth/login", json={"username": username, "password": password},
                         headers={"X-Forwarded-For": address or new_address(), **headers}, timeout=30)


def login(base_url, username, password=PASSWORD):
    response = attempt_login(base_url, username, password)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def sign_up(base_url, *, name=None, username=None, **extra):
    """Create an organization over HTTP; returns (admin client, sign-up body)."""
    username = username or unique("admin")
    body = {"name": name or f"Org {username}",
            "admin": {"username": username, "password": PASSWORD, "full_name": f"Admin {username}",
                      "email": f"{username}@example.com"}, **extra}
    response = requests.post(base_url + "/api/v1/organizations", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return Client(base_url, token=login(base_url, username)), response.json()


def create_user(admin, **fields):
    username = fields.pop("username", None) or unique("user")
    body = {"username": username, "password": PASSWORD, "full_name": f"User {username}",
            "email": f"{username}@example.com", **fields}
    response = admin.post("/api/v1/users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


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


def assert_problem(response, status, *, code=None, fields=None):
    """An RFC 9457 problem of ``status``; returns its body."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:carnet:problem:")
    assert body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    for field in fields or ():
        assert field in body.get("errors", {}), body
        assert body["errors"][field] and all(isinstance(m, str) and m for m in body["errors"][field])
    return body
