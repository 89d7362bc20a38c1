"""Prometheus metrics of a nameko service: calls and latency per entrypoint and outcome, outbox backlog."""
import time

from nameko.extensions import DependencyProvider
from prometheus_client import Counter, Gauge, Histogram

from carnet_common.errors import CarnetError

WORKER_CALLS = Counter(
    "carnet_service_calls_total", "Entrypoint calls (RPC, events, timers, HTTP) by outcome.",
    ["service", "entrypoint", "outcome"])
WORKER_SECONDS = Histogram(
    "carnet_service_call_seconds", "Entrypoint latency.", ["service", "entrypoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
OUTBOX_BACKLOG = Gauge("carnet_outbox_backlog", "Outbox rows not yet published.", ["service"])
OUTBOX_PUBLISHED = Counter("carnet_outbox_published_total", "Events published from the outbox.", ["service"])
OUTBOX_UNROUTABLE = Counter(
    "carnet_outbox_unroutable_total", "Events RabbitMQ returned because no queue was bound.", ["service"])
EVENTS_DUPLICATE = Counter(
    "carnet_events_duplicate_total", "Event deliveries ignored because already handled.", ["service", "handler"])
EVENTS_PARKED = Counter(
    "carnet_events_parked_total", "Poison events parked after too many failed attempts.", ["service", "handler"])


def outcome_of(exc_info):
    if exc_info is None:
        return "ok"
    exc = exc_info[1]
    if isinstance(exc, CarnetError):
        return exc.slug
    return "error"


class Metrics(DependencyProvider):
    def worker_setup(self, worker_ctx):
        worker_ctx.data["_carnet_started"] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = worker_ctx.data.pop("_carnet_started", None)
        service = self.container.service_name
        name = worker_ctx.entrypoint.method_name
        WORKER_CALLS.labels(service, name, outcome_of(exc_info)).inc()
        if started is not None:
            WORKER_SECONDS.labels(service, name).observe(time.perf_counter() - started)
