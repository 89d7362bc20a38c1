"""Checks around every request that no single route owns (S-10, OWASP API4/API8), registered by ``create_app``:

- the operations port (``METRICS_PORT``) serves ``/metrics``, ``/healthz`` and ``/readyz`` only (``ops.py``);
- each user's requests to ``/api/v1`` and to the web client's pages (``/app``) are capped per minute
  (``API_REQUESTS_PER_USER_MINUTE``, 0 = no cap): 429 with ``Retry-After``, before any other work;
- over HTTPS (TLS at the gateway, or ``X-Forwarded-Proto: https`` from a trusted proxy) every answer carries
  ``Strict-Transport-Security`` (``HSTS_MAX_AGE`` seconds, 0 = none), so a browser never falls back to HTTP;
- a 204 carries no body, so no ``Content-Type`` either (Flask's default would say ``text/html``).
"""
from flask import current_app, request
from werkzeug.exceptions import NotFound

from carnet_common import redis_keys
from carnet_gateway import limits, ops
from carnet_gateway.api import PREFIX
from carnet_gateway.web import session


def register(app):
    app.before_request(_operations_port_serves_operations_only)
    app.before_request(_cap_requests_per_user)
    app.after_request(_headers)


def _operations_port_serves_operations_only():
    if ops.on_metrics_port() and request.path not in ops.OPS_PATHS:
        raise NotFound()


def _cap_requests_per_user():
    per_minute = current_app.config["CARNET"].api_requests_per_user_minute
    if not per_minute:
        return
    if request.path.startswith(PREFIX + "/"):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else ""
    elif request.path.startswith("/app/") and not request.path.startswith("/app/static/"):
        token = request.cookies.get(session.COOKIE, "")  # a page counts once, whatever operations it runs
    else:
        return
    if token and len(token) <= 512:
        limits.count_user_request(redis_keys.token_digest(token), per_minute)


def _headers(response):
    max_age = current_app.config["CARNET"].hsts_max_age
    if max_age and request.is_secure:
        response.headers["Strict-Transport-Security"] = f"max-age={max_age}"
    if response.status_code == 204:
        response.headers.pop("Content-Type", None)
    return response
