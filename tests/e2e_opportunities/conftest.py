"""End-to-end fixtures for opportunities, tasks and the dashboard: identity + contacts + opportunities + gateway
processes, started as ``scripts/stack.py`` starts them, on a fresh database, vhost and Redis prefix, driven over
HTTP only. Shared by the opportunities and tasks test modules of this folder.
"""
import importlib.util
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import stack as stack_module  # noqa: E402


def _contacts_helpers():
    """The HTTP helpers of the contacts end-to-end suite, reused as they are (its conftest, loaded under
    another name: both files are called conftest)."""
    spec = importlib.util.spec_from_file_location("e2e_contacts_helpers", ROOT / "tests/e2e_contacts/conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_helpers = _contacts_helpers()
PASSWORD, Client, assert_problem, login, ok, sign_up, unique = (
    _helpers.PASSWORD, _helpers.Client, _helpers.assert_problem, _helpers.login, _helpers.ok, _helpers.sign_up,
    _helpers.unique)


def start_stack(log_path, **settings):
    settings.setdefault("READINESS_SERVICES", "identity,contacts,opportunities")
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


def eventually(fetch, check, timeout=20, interval=0.2):
    """``fetch()`` until ``check(result)`` holds (the read model follows contacts' events within moments)."""
    deadline = time.monotonic() + timeout
    while True:
        result = fetch()
        if check(result):
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in time; last: {getattr(result, 'text', result)}")
        time.sleep(interval)


@pytest.fixture
def org(base_url):
    """A fresh organization: its admin, a list shared with all users (selected by the admin) and an
    unshared one."""
    admin, created = sign_up(base_url)
    shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)
    closed = ok(admin.post("/lists", json={"name": "Fermée"}), 201)
    return {"admin": admin, "user": created["user"], "shared": shared["id"], "closed": closed["id"],
            "base_url": base_url}


def add_member(org, *, modules=None, flags=None, lists=None):
    """A non-admin user of ``org`` with a fresh role (the default permissions, or ``modules``), the shared list
    selected; ``flags`` such as ``{"all_contacts": True}`` set on the user."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    if modules is not None:
        ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": modules, "fields": {}}))
    username = unique("user")
    body = {"username": username, "password": PASSWORD, "full_name": "Membre", "email": f"{username}@example.com",
            "role_id": role["id"]}
    user = ok(admin.post("/users", json={**body, **(flags or {})}), 201)
    client = Client(org["base_url"], token=login(org["base_url"], username))
    ok(client.put("/me/selected-lists", json={"list_ids": lists or [org["shared"]]}))
    return {"client": client, "user": user, "role": role}


@pytest.fixture
def member(org):
    return add_member(org)
