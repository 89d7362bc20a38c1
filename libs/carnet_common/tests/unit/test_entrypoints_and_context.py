"""The service edge: library errors become Carnet errors; request ids follow the work; JSON logs."""
import json
import logging

import pytest
from marshmallow import ValidationError
from prometheus_client import REGISTRY
from sqlalchemy.exc import IntegrityError

from carnet_common import context
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_common.logs import JsonFormatter
from carnet_common.metrics import Metrics, outcome_of


class FakeDbError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def raising(exc):
    @rpc_method
    def method():
        raise exc
    return method


def test_rpc_method_turns_a_validation_error_into_invalid_input_with_flat_paths():
    with pytest.raises(InvalidInput) as caught:
        raising(ValidationError({"admin": {"password": ["password_length"]}}))()
    assert caught.value.errors == {"admin.password": ["password_length"]}


def test_rpc_method_turns_a_unique_violation_into_conflict():
    with pytest.raises(Conflict):
        raising(IntegrityError("INSERT", {}, FakeDbError("23505")))()


def test_rpc_method_lets_other_integrity_errors_through_as_bugs():
    with pytest.raises(IntegrityError):
        raising(IntegrityError("INSERT", {}, FakeDbError("23503")))()


def test_rpc_method_passes_carnet_errors_and_results_unchanged():
    with pytest.raises(NotFound):
        raising(NotFound())()

    @rpc_method
    def answer(value):
        return {"value": value}
    assert answer(3) == {"value": 3}


class FakeWorkerCtx:
    def __init__(self, data=None, method_name="do_it"):
        self.data = dict(data or {})
        self.entrypoint = type("Entrypoint", (), {"method_name": method_name})()


def test_request_context_uses_the_callers_request_id_then_forgets_it():
    provider = context.RequestContext()
    worker_ctx = FakeWorkerCtx({"request_id": "abc"})

    provider.worker_setup(worker_ctx)
    assert context.get_request_id() == "abc"
    assert provider.get_dependency(worker_ctx) == "abc"
    provider.worker_teardown(worker_ctx)
    assert context.get_request_id() is None


def test_request_context_makes_a_request_id_when_the_caller_gave_none():
    provider = context.RequestContext()
    provider.worker_setup(FakeWorkerCtx())
    try:
        assert len(context.get_request_id()) == 32
    finally:
        provider.worker_teardown(FakeWorkerCtx())


def record(msg, **extra):
    rec = logging.LogRecord("carnet.test", logging.WARNING, __file__, 1, msg, (), None)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_json_log_line_carries_the_request_id_and_extra_fields(monkeypatch):
    monkeypatch.setenv("CARNET_SERVICE", "identity")
    context.set_request_id("req-1")
    try:
        line = JsonFormatter().format(record("hello\nworld", user_id="u1"))
    finally:
        context.set_request_id(None)

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req-1"
    assert entry["service"] == "identity"
    assert entry["level"] == "warning"
    assert entry["msg"] == "hello\nworld"
    assert entry["user_id"] == "u1"
    assert entry["ts"].endswith("Z")


def test_json_log_line_has_no_request_id_outside_a_request():
    assert "request_id" not in json.loads(JsonFormatter().format(record("idle")))


class FakeContainer:
    def __init__(self, service_name, config=None):
        self.service_name = service_name
        self.config = config or {}


def calls(service, entrypoint, outcome):
    return REGISTRY.get_sample_value("carnet_service_calls_total",
                                     {"service": service, "entrypoint": entrypoint, "outcome": outcome}) or 0


def test_metrics_count_each_call_by_outcome_slug():
    provider = Metrics()
    provider.container = FakeContainer("unit_metrics")
    before_ok, before_conflict = calls("unit_metrics", "do_it", "ok"), calls("unit_metrics", "do_it", "conflict")

    for exc_info in (None, (Conflict, Conflict(), None)):
        worker_ctx = FakeWorkerCtx()
        provider.worker_setup(worker_ctx)
        provider.worker_result(worker_ctx, exc_info=exc_info)

    assert calls("unit_metrics", "do_it", "ok") == before_ok + 1
    assert calls("unit_metrics", "do_it", "conflict") == before_conflict + 1


def test_an_unexpected_exception_is_counted_as_error():
    assert outcome_of((ValueError, ValueError(), None)) == "error"
    assert outcome_of((NotFound, NotFound(), None)) == "not-found"
    assert outcome_of(None) == "ok"
