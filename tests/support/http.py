"""Driving the gateway over HTTP as a client would: a ``requests`` client, sign-up and login, problem checks."""
import itertools
import uuid

import requests

from carnet_testing import eventually

API = "/api/v1"
PASSWORD = "correct-horse-battery"

_counter = itertools.count()
_addresses = itertools.count(1)


def unique(prefix="u"):
    """A username (or other unique text) no other test uses."""
    return f"{prefix}{next(_counter)}_{uuid.uuid4().hex[:8]}"


class Client:
    """``requests`` against the gateway, with an optional bearer token and language (one keep-alive session
    each); paths start below ``prefix`` (the base URL here)."""

    prefix = ""

    def __init__(self, base_url, token=None, language=None):
        self.base_url = base_url
        self.token = token
        self.language = language
        self.session = requests.Session()

    def request(self, method, path, **kwargs):
        return self.send(method, self.prefix + path, **kwargs)

    def send(self, method, path, *, headers=None, **kwargs):
        """``path`` from the base URL, whatever the prefix (for helpers that take either kind of client)."""
        merged = {}
        if self.token:
            merged["Authorization"] = f"Bearer {self.token}"
        if self.language:
            merged["Accept-Language"] = self.language
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


class ApiClient(Client):
    """A ``Client`` whose paths start below /api/v1."""

    prefix = API


def new_address():
    """A client address of its own (sent as X-Forwarded-For), so login throttling per address never
    leaks from one test into another (the gateway ignores it unless TRUSTED_PROXIES is set)."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def attempt_login(base_url, username, password=PASSWORD, *, address=None, **headers):
    return requests.post(base_url + API + "/auth/login", json={"username": username, "password": password},
                         headers={"X-Forwarded-For": address or new_address(), **headers}, timeout=30)


def login(base_url, username, password=PASSWORD):
    response = attempt_login(base_url, username, password)
    assert response.status_code == 200, response.text
    return response.json()["token"]


def sign_up(base_url, *, client_class=Client, name=None, username=None, **extra):
    """Create an organization over HTTP; returns (its admin as a ``client_class``, the sign-up body)."""
    username = username or unique("admin")
    body = {"name": name or f"Org {username}",
            "admin": {"username": username, "password": PASSWORD, "full_name": f"Admin {username}",
                      "email": f"{username}@example.com"}, **extra}
    response = requests.post(base_url + API + "/organizations", json=body, timeout=30)
    assert response.status_code == 201, response.text
    return client_class(base_url, token=login(base_url, username)), response.json()


def create_user(admin, **fields):
    """A user created by ``admin`` (either kind of client); ``fields`` complete or replace the defaults."""
    username = fields.pop("username", None) or unique("user")
    body = {"username": username, "password": PASSWORD, "full_name": f"User {username}",
            "email": f"{username}@example.com", **fields}
    return ok(admin.send("POST", API + "/users", json=body), 201)


def ok(response, status=200):
    """The JSON body of a ``status`` answer (None for 204)."""
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def assert_problem(response, status, *, code=None, fields=None):
    """An RFC 9457 problem of ``status`` (with ``code``, and messages for each of ``fields``); returns its body."""
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
        assert body["errors"][field] and all(isinstance(m, str) and m for m in body["errors"][field]), body
    return body


def finished_job(client, job_id, timeout=60):
    """The background job (N-4) once it is done or failed, polled as a client would poll ``GET /jobs/{id}``."""
    return eventually(lambda: ok(client.get(f"/jobs/{job_id}")), lambda job: job["status"] in ("done", "failed"),
                      timeout=timeout, interval=0.2, what=f"job {job_id} finished")
