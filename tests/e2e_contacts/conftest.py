"""End-to-end fixtures for lists, contacts and accounts: identity + contacts + gateway processes, started
as ``scripts/stack.py`` starts them, on a fresh database, vhost and Redis prefix, driven over HTTP only.
"""
import itertools
import os
import sys
import uuid
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import stack as stack_module  # noqa: E402

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")

PASSWORD = "correct-horse-battery"
Stack = stack_module.Stack


def start_stack(log_path, **settings):
    settings.setdefault("READINESS_SERVICES", "identity,contacts")
    settings.setdefault("LOG_LEVEL", "WARNING")
    return stack_module.fresh_stack(log_path, **settings)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("logs") / "stack.log"
    with start_stack(log_path) as running:
        running.log_path = log_path
        yield running


@pytest.fixture(scope="session")
def base_url(stack):
    return stack.url


_counter = itertools.count()


def unique(prefix="u"):
    return f"{prefix}{next(_counter)}_{uuid.uuid4().hex[:8]}"


class Client:
    """``requests`` against the gateway's /api/v1, with an optional bearer token and language."""

    def __init__(self, base_url, token=None, language=None):
        self.base_url = base_url
        self.token = token
        self.language = language
        self.session = requests.Session()

    def request(self, method, path, *, headers=None, **kwargs):
        merged = {}
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        if self.language:
            merged["Accept-Language"] = self.language
        merged.update(headers or {})
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + "/api/v1" + path, headers=merged, **kwargs)

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


def login(base_url, username):
    response = requests.post(base_url + "/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                             timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def sign_up(base_url):
    username = unique("admin")
    body = {"name": f"Org {username}", "admin": {"username": username, "password": PASSWORD,
                                                 "full_name": f"Admin {username}",
                                                 "email": f"{username}@example.com"}}
    response = requests.post(base_url + "/api/v1/organizations", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return Client(base_url, token=login(base_url, username)), response.json()


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def assert_problem(response, status, *, code=None, fields=()):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    for field in fields:
        assert body.get("errors", {}).get(field), body
    return body


@pytest.fixture
def org(base_url):
    """A fresh organization: its admin, a list shared with all users and an unshared one."""
    admin, created = sign_up(base_url)
    shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)
    closed = ok(admin.post("/lists", json={"name": "Fermée"}), 201)
    return {"admin": admin, "user": created["user"], "shared": shared["id"], "closed": closed["id"]}


@pytest.fixture
def member(base_url, org):
    """A non-admin user of ``org`` holding a fresh role (read/write contacts and accounts), its shared list
    selected."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    username = unique("user")
    user = ok(admin.post("/users", json={"username": username, "password": PASSWORD, "full_name": "Membre",
                                         "email": f"{username}@example.com", "role_id": role["id"]}), 201)
    client = Client(base_url, token=login(base_url, username))
    ok(client.put("/me/selected-lists", json={"list_ids": [org["shared"]]}))
    return {"client": client, "user": user, "role": role}
