"""Operational routes: health, readiness, metrics, the OpenAPI document and the browsable API page."""
import json
import os
import time

from flask import Blueprint, Response, current_app
from flask_swagger_ui import get_swaggerui_blueprint
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest, multiprocess

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


@blueprint.get("/metrics")
def metrics():
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

