"""Operational routes: health, readiness, metrics, the OpenAPI document and the browsable API page.

``/metrics`` is not for the public (it names every route and how busy the system is): with ``METRICS_PORT`` set
(Kubernetes: Prometheus scrapes the pod on that port, which no Service exposes) it answers only on that port, and
that port answers nothing else (``guards.py``); without it (one machine, ``make run``) only to a client on the
machine itself. Anyone else gets the 404 of a route that does not exist.
"""
import ipaddress
import json
import os
import time

from flask import Blueprint, Response, current_app, request
from flask_swagger_ui import get_swaggerui_blueprint
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess
from werkzeug.exceptions import NotFound

from carnet_gateway import services

blueprint = Blueprint("ops", __name__)
_ready_cache = {"at": 0.0, "status": None}


@blueprint.get("/healthz")
def healthz():
    return {"status": "ok"}


@blueprint.get("/readyz")
def readyz():
    """RabbitMQ, Redis and each needed service answer (cached 2 s so probes cannot flood the bus)."""
    now = time.monotonic()
    if _ready_cache["status"] is None or now - _ready_cache["at"] > 2:
        _ready_cache.update(at=now, status=_check_readiness())
    checks = _ready_cache["status"]
    ok = all(value == "ok" for value in checks.values())
    return Response(json.dumps({"status": "ok" if ok else "unavailable", "checks": checks}),
                    status=200 if ok else 503, mimetype="application/json")


def _check_readiness():
    checks = {}
    try:
        current_app.extensions["carnet.redis"].ping()
        checks["redis"] = "ok"
    except Exception:  # noqa: BLE001 - readiness reports, never raises
        checks["redis"] = "unreachable"
    for service in current_app.config["CARNET"].readiness_services:
        try:
            services.Service(service).call("ping")
            checks[service] = "ok"
        except Exception:  # noqa: BLE001
            checks[service] = "unreachable"
    return checks


OPS_PATHS = ("/healthz", "/readyz", "/metrics")


def on_metrics_port():
    port = current_app.config["CARNET"].metrics_port
    return bool(port) and request.environ.get("SERVER_PORT") == str(port)


def _metrics_exposed():
    if current_app.config["CARNET"].metrics_port:
        return on_metrics_port()
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@blueprint.get("/metrics")
def metrics():
    if not _metrics_exposed():
        raise NotFound()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)


@blueprint.get("/api/openapi.json")
def openapi():
    return current_app.extensions["carnet.openapi"]


def docs_blueprint():
    return get_swaggerui_blueprint("/api/docs", "/api/openapi.json",
                                   config={"app_name": "Carnet CRM API"}, blueprint_name="docs")

