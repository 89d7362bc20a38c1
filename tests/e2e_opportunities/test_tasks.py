"""Tasks (T-1, T-2), invitations (T-3) and the dashboard (D-1) end to end: identity + contacts +
opportunities + gateway started as ``scripts/stack.py`` starts them, a real SMTP server (aiosmtpd on a free
loopback port) as the relay, driven over HTTP only. Fixtures live in this module (``tasks_*``) so that it
runs whether or not the shared conftest of this folder exists."""
import itertools
import os
import socket
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from icalendar import Calendar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import stack as stack_module  # noqa: E402

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
PASSWORD = "correct-horse-battery"
_counter = itertools.count()


def unique(prefix="u"):
    return f"{prefix}{next(_counter)}_{uuid.uuid4().hex[:8]}"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Relay:
    def __init__(self):
        self.messages, self.lock = [], threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture(scope="module")
def tasks_relay():
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def tasks_url(tmp_path_factory, tasks_relay):
    log_path = tmp_path_factory.mktemp("logs") / "stack.log"
    with stack_module.fresh_stack(log_path, LOG_LEVEL="WARNING", SMTP_HOST="127.0.0.1",
                                  SMTP_PORT=str(tasks_relay[1]), SMTP_FROM="crm@carnet.test",
                                  INVITATION_RETRY_BASE_MS="200") as running:
        yield running.url


class Client:
    def __init__(self, base_url, token):
        self.base_url, self.session = base_url, requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def __getattr__(self, method):
        def call(path, **kwargs):
            kwargs.setdefault("timeout", 30)
            return self.session.request(method.upper(), self.base_url + "/api/v1" + path, **kwargs)
        return call


def _login(base_url, username):
    response = requests.post(base_url + "/api/v1/auth/login", json={"username": username, "password": PASSWORD},
                             timeout=30)
    assert response.status_code == 200, response.text
    return Client(base_url, response.json()["token"])


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def problem(response, status, fields=()):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    for field in fields:
        assert response.json().get("errors", {}).get(field), response.json()


def _org(base_url):
    username = unique("admin")
    body = {"name": f"Org {username}", "admin": {"username": username, "password": PASSWORD,
                                                 "full_name": "Admin", "email": f"{username}@example.com"}}
    ok(requests.post(base_url + "/api/v1/organizations", json=body, timeout=30), 201)
    admin = _login(base_url, username)
    shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)
    return admin, shared["id"]


def _user(base_url, admin, shared, modules):
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": {
        m: {"read": True, "write": True, "delete": True, "export": False} for m in modules}}))
    username = unique("user")
    user = ok(admin.post("/users", json={"username": username, "password": PASSWORD, "full_name": "Membre Un",
                                         "email": f"{username}@example.com", "role_id": role["id"]}), 201)
    client = _login(base_url, username)
    ok(client.put("/me/selected-lists", json={"list_ids": [shared]}))
    return client, user


def _eventually(call, status=201, timeout=20):
    """The read model of contacts follows their events: retry while it has not caught up (404)."""
    deadline = time.monotonic() + timeout
    while True:
        response = call()
        if response.status_code == status or time.monotonic() > deadline or response.status_code != 404:
            return response
        time.sleep(0.2)


def test_tasks_through_the_gateway(tasks_url, tasks_relay):
    admin, shared = _org(tasks_url)
    account = ok(admin.post("/accounts", json={"name": "Bois Tremblay", "list_ids": [shared]}), 201)
    contact = ok(admin.post("/contacts", json={"first_name": "Luc", "last_name": "Émond", "list_ids": [shared],
                                               "email": "luc@client.test", "account_id": account["id"]}), 201)
    body = {"type": "meeting", "title": "Visite", "contact_id": contact["id"], "account_id": account["id"],
            "due_at": "2025-07-01T09:30:00-04:00"}
    task = ok(_eventually(lambda: admin.post("/tasks", json=body)), 201)
    assert task["due_at"] == "2025-07-01T09:30:00-04:00" and task["status"] == "todo"

    # bad input: 422 naming the field, nothing stored
    problem(admin.post("/tasks", json={**body, "due_at": "2025-07-01 09:30"}), 422, ["due_at"])
    problem(admin.post("/tasks", json={**body, "type": "fax"}), 422, ["type"])
    problem(admin.patch(f"/tasks/{task['id']}", json={"status": "blocked"}), 422, ["status"])
    problem(admin.get("/tasks?status=blocked"), 422, ["status"])
    problem(admin.post("/tasks", json={**body, "assignee_id": "nobody"}), 422, ["assignee_id"])
    assert ok(admin.get("/tasks"))["total"] == 1

    # board and one-PATCH move (T-2)
    ok(admin.patch(f"/tasks/{task['id']}", json={"status": "done"}))
    board = ok(admin.get("/tasks/board"))
    assert [(c["status"], [t["id"] for t in c["items"]]) for c in board["columns"]] == [
        ("todo", []), ("in_progress", []), ("done", [task["id"]])]

    # a second organization never sees it; a member not rep of the contact neither; no tasks permission: 403
    other, _ = _org(tasks_url)
    problem(other.get(f"/tasks/{task['id']}"), 404)
    problem(other.patch(f"/tasks/{task['id']}", json={"title": "x"}), 404)
    member, member_user = _user(tasks_url, admin, shared, ("contacts", "accounts", "tasks", "dashboard"))
    problem(member.get(f"/tasks/{task['id']}"), 404)
    problem(member.delete(f"/tasks/{task['id']}"), 404)
    assert ok(member.get("/tasks"))["total"] == 0
    limited, _ = _user(tasks_url, admin, shared, ("contacts", "accounts"))
    problem(limited.get("/tasks"), 403)
    problem(limited.post("/tasks", json={"type": "todo", "title": "x"}), 403)
    problem(limited.get("/dashboard"), 403)

    # a task of the member's own, assigned by the admin: the member sees it, the admin created it
    own = ok(admin.post("/tasks", json={"type": "call", "title": "Appeler", "assignee_id": member_user["id"],
                                        "due_at": "2025-07-01T13:00:00Z"}), 201)
    assert ok(member.get(f"/tasks/{own['id']}"))["id"] == own["id"]

    # invitation to the assignee, by email with an .ics (T-3)
    handler, _ = tasks_relay
    invitation = ok(admin.post(f"/tasks/{own['id']}/invite", json={"to": "assignee"}), 202)
    assert invitation["email"] == member_user["email"]
    problem(admin.post(f"/tasks/{own['id']}/invite", json={"to": "boss"}), 422, ["to"])
    deadline = time.monotonic() + 20
    while not [m for m in handler.messages if m["To"].addresses[0].addr_spec == member_user["email"]]:
        assert time.monotonic() < deadline, ok(admin.get(f"/tasks/{own['id']}/invitations"))
        time.sleep(0.2)
    message = [m for m in handler.messages if m["To"].addresses[0].addr_spec == member_user["email"]][0]
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]) == f"task-{own['id']}@carnet"
    assert ok(admin.get(f"/tasks/{own['id']}/invitations"))[0]["status"] == "sent"

    # dashboard (D-1): the admin's tasks by type; a member may not ask for another user's
    board = ok(admin.get("/dashboard"))
    assert board["activities"]["meeting"] == 1 and board["activities"]["call"] == 1
    assert set(board["transactions"]) == {"won", "lost"}
    problem(member.get(f"/dashboard?user_id={task['assignee_id']}"), 403)
    problem(admin.get("/dashboard?from=2025-13-01"), 422, ["from"])

    ok(admin.delete(f"/tasks/{task['id']}"), 204)
    problem(admin.get(f"/tasks/{task['id']}"), 404)
