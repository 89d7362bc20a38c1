"""The gateway's Flask application."""
import logging.config
import time
import uuid

from flask import Flask, g, request
from prometheus_client import Counter, Histogram
from werkzeug.middleware.proxy_fix import ProxyFix

from carnet_common import redis_keys
from carnet_common.context import set_request_id
from carnet_common.logs import logging_config
from carnet_gateway import guards, ops, problems, public_files, public_forms, public_links, web
from carnet_gateway.api import api
from carnet_gateway.openapi import build_spec

# Importing a routes module declares its operations on ``api``.
from carnet_gateway.routes import (  # noqa: F401
    audience,
    automations,
    campaigns,
    contacts,
    customization,
    documents,
    duplicates,
    engagement,
    enrichment,
    exports,
    forms,
    identity,
    imports,
    lifecycle,
    merges,
    opportunities,
    sending_domains,
    tasks,
    templates,
)
from carnet_gateway.rpc import RpcClient
from carnet_gateway.settings import Settings

REQUESTS = Counter("carnet_http_requests_total", "HTTP requests by route, method and status.",
                   ["route", "method", "status"])
LATENCY = Histogram("carnet_http_request_seconds", "HTTP latency by route and method.", ["route", "method"],
                    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
log = logging.getLogger("carnet.gateway")


def create_app(settings=None):
    logging.config.dictConfig(logging_config())
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(CARNET=settings, MAX_CONTENT_LENGTH=settings.max_body_bytes)
    app.json.sort_keys = False
    if settings.trusted_proxies:
        # The client's address (per-address limits) and scheme (HSTS, guards.py) as the trusted proxies saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    app.extensions["carnet.redis"] = redis_keys.client(settings.redis_url)
    app.extensions["carnet.rpc"] = RpcClient(settings.amqp_uri, settings.rpc_timeout)
    app.url_map.strict_slashes = False
    api.register(app)
    web.register(app)
    public_links.register(app)
    public_files.register(app)
    public_forms.register(app)
    app.register_blueprint(ops.blueprint)
    app.register_blueprint(ops.docs_blueprint())
    app.extensions["carnet.openapi"] = build_spec(api)
    problems.register(app)
    _instrument(app)
    guards.register(app)
    return app


def _instrument(app):
    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 and incoming.isprintable() else uuid.uuid4().hex
        set_request_id(g.request_id)
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        REQUESTS.labels(route, request.method, response.status_code).inc()
        LATENCY.labels(route, request.method).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        response.headers["X-Request-Id"] = g.get("request_id", "")
        response.headers["X-Content-Type-Options"] = "nosniff"
        if request.path.startswith("/api/v1"):
            response.headers["Cache-Control"] = "no-store"
        if response.status_code >= 500:
            log.warning("%s %s -> %s", request.method, request.path, response.status_code)
        return response

    @app.teardown_request
    def _clear(_exc):
        set_request_id(None)
