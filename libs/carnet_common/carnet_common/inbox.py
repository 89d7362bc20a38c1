"""Idempotent event handling (N-3): each handled ``event_id`` is recorded with its effect.

Use under ``@event_handler(..., requeue_on_error=True)``::

    def on_user_created(self, envelope):
        self.inbox.handle(envelope, lambda session, data: ...)

A second delivery of the same event does nothing. A handler that raises is retried (nameko requeues the
message); after ``max_attempts`` failures the event is parked in ``inbox_failures`` (our dead-letter
store, counted by ``carnet_events_parked_total``) and acknowledged, so one poison message never blocks
the queue nor loops forever.
"""
import json
import logging
import uuid

from nameko.extensions import DependencyProvider
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from carnet_common import metrics
from carnet_common.db import engine_for

log = logging.getLogger(__name__)


class InboxHandle:
    def __init__(self, provider, handler):
        self._provider = provider
        self._handler = handler

    def handle(self, envelope, apply):
        return self._provider.handle(self._handler, envelope, apply)


class Inbox(DependencyProvider):
    def __init__(self, inbox_table, failures_table, max_attempts=5):
        self.inbox_table = inbox_table
        self.failures_table = failures_table
        self.max_attempts = max_attempts

    def setup(self):
        self.service_name = self.container.service_name
        self.engine = engine_for(self.container.config)

    def get_dependency(self, worker_ctx):
        return InboxHandle(self, f"{self.service_name}.{worker_ctx.entrypoint.method_name}")

    def handle(self, handler, envelope, apply):
        """Apply ``apply(session, data)`` once per event id; returns False for a duplicate."""
        event_id = envelope.get("event_id") if isinstance(envelope, dict) else None
        if not _is_uuid(event_id) or not isinstance(envelope.get("data"), dict):
            self._park(handler, {"event_id": _malformed_id(envelope), "raw": envelope}, "malformed envelope",
                       final=True)
            return False
        try:
            with Session(self.engine) as session, session.begin():
                claimed = session.execute(
                    insert(self.inbox_table).values(event_id=event_id, handler=handler)
                    .on_conflict_do_nothing().returning(self.inbox_table.c.event_id)).first()
                if claimed is None:
                    metrics.EVENTS_DUPLICATE.labels(self.service_name, handler).inc()
                    return False
                apply(session, envelope["data"])
            return True
        except Exception as exc:  # noqa: BLE001 - any failure is counted, then retried or parked
            if self._park(handler, envelope, repr(exc)):
                log.exception("event %s parked after %d attempts in %s", event_id, self.max_attempts, handler)
                return False
            raise

    def _park(self, handler, envelope, error, final=False):
        """Count one failed attempt; True when the event is now parked (and must be acknowledged)."""
        table = self.failures_table
        event_id = envelope.get("event_id") or "00000000-0000-0000-0000-000000000000"
        first = self.max_attempts if final else 1
        with Session(self.engine) as session, session.begin():
            attempts = session.execute(
                insert(table).values(event_id=event_id, handler=handler, attempts=first,
                                     last_error=error[:2000], envelope=envelope,
                                     parked=first >= self.max_attempts)
                .on_conflict_do_update(
                    index_elements=[table.c.event_id, table.c.handler],
                    set_={"attempts": table.c.attempts + 1, "last_error": error[:2000],
                          "parked": table.c.attempts + 1 >= self.max_attempts})
                .returning(table.c.attempts)).scalar_one()
        parked = attempts >= self.max_attempts
        if parked:
            metrics.EVENTS_PARKED.labels(self.service_name, handler).inc()
        return parked


def _is_uuid(value):
    """The inbox keys on a UUID column: any other id would fail there, and in ``_park``, forever."""
    try:
        return str(uuid.UUID(value)) == value.lower()
    except (TypeError, ValueError, AttributeError):
        return False


def _malformed_id(envelope):
    """A stable id per malformed payload, so each distinct one keeps its own dead-letter row."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, json.dumps(envelope, sort_keys=True, default=str)))
