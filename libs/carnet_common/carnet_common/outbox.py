"""Transactional outbox (N-3): events are rows written with the change, published after commit.

``self.outbox.add(session, "user_created", data)`` inside the use case's transaction. Once that transaction
commits, the provider relays at once, in a thread of the container's (no request waits for it): pending rows are
published to nameko's ``<service>.events`` exchange with publisher confirms and ``mandatory=True``, locked
``FOR UPDATE SKIP LOCKED`` so several replicas can relay at once. A row is marked published only after RabbitMQ
confirmed it: a crash in between publishes it again, which consumers absorb through their inbox (at-least-once).

The service's ``@timer`` still calls ``self.outbox.relay()`` often; between commits it reads the table only every
``SWEEP_SECONDS``: the safety net for rows nobody relayed after their commit (a replica that stopped in between, a
broker that was down). Polling the table four times a second cost each idle service 44-84 statements and 14-19 ms
of CPU per second (issue 9 §3, cut 12).
"""
import logging
import time
from datetime import datetime, timezone

from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import PERSISTENT
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from carnet_common import metrics
from carnet_common.db import after_commit, engine_for
from carnet_common.events import make_envelope

log = logging.getLogger(__name__)

SWEEP_SECONDS = 2.0


class OutboxHandle:
    def __init__(self, provider, worker_ctx):
        self._provider = provider
        self._worker_ctx = worker_ctx

    def add(self, session, event_type, data, *, version=1):
        """Write ``<service>.<event_type>`` in ``session``'s transaction; returns the envelope."""
        envelope = make_envelope(data, version=version)
        headers = {}
        request_id = self._worker_ctx.data.get("request_id")
        if request_id:
            headers["nameko.request_id"] = request_id
        session.execute(self._provider.table.insert().values(
            id=envelope["event_id"], event_type=event_type, envelope=envelope, headers=headers))
        after_commit(session, self._provider.relay_soon)
        return envelope

    def relay(self, batch=200):
        """The timer's call: relay what a commit left pending, or sweep the table when it is due."""
        return self._provider.relay_if_due(batch=batch)


class ThreadOutbox:
    """The outbox as a background job writes it from its OS thread (``carnet_common.jobs``): rows in the job's
    transaction like ``OutboxHandle.add``'s, but not relayed at commit (that relay is a thread of the service's hub,
    which an OS thread must not spawn): the relay's sweep publishes them within ``SWEEP_SECONDS``.

    Written at once (``add``, ``add_many``: inside a savepoint they go with it), or, ``buffered``, kept until
    ``flush`` writes them in one statement before the job commits (an automation run: a round trip per event was
    60 % of its time, bench/results/automations-2026-12-06.md)."""

    def __init__(self, table, *, buffered=False):
        self.table, self.buffered, self.pending = table, buffered, []

    def add(self, session, event_type, data, *, version=1):
        return self.add_many(session, event_type, [data], version=version)[0]

    def add_many(self, session, event_type, payloads, *, version=1):
        """One event per payload, in one multi-row INSERT (or kept, ``buffered``); returns their envelopes."""
        envelopes = [make_envelope(data, version=version) for data in payloads]
        self.pending += [{"id": e["event_id"], "event_type": event_type, "envelope": e, "headers": {}}
                         for e in envelopes]
        if not self.buffered:
            self.flush(session)
        return envelopes

    def flush(self, session):
        if self.pending:
            session.execute(self.table.insert(), self.pending)
            self.pending = []


class Outbox(DependencyProvider):
    def __init__(self, table):
        self.table = table

    def setup(self):
        config = self.container.config
        self.service_name = self.container.service_name
        self.engine = engine_for(self.container.config)
        self.exchange = get_event_exchange(self.service_name, config)
        self.publisher = Publisher(
            config["AMQP_URI"], use_confirms=True, mandatory=True, delivery_mode=PERSISTENT,
            serializer=config.get("serializer", "json"), declare=[self.exchange])
        self.pending = False      # a commit wrote rows that no relay has read since
        self.relaying = False     # a relay thread is running (it reads again while ``pending``)
        self.swept_at = float("-inf")

    def get_dependency(self, worker_ctx):
        return OutboxHandle(self, worker_ctx)

    def relay_soon(self):
        """After a commit that wrote rows: one relay thread, which reads again while commits keep adding rows.
        (eventlet threads switch only on I/O, so the flags need no lock.)"""
        self.pending = True
        if not self.relaying:
            self.relaying = True
            self.container.spawn_managed_thread(self._relay_while_pending)

    def _relay_while_pending(self):
        try:
            while self.pending:
                self.pending = False
                self.relay()
        except Exception:  # noqa: BLE001 - the rows stay pending: the next sweep publishes them
            log.exception("relaying the outbox after a commit failed")
        finally:
            self.relaying = False

    def relay_if_due(self, *, batch=200):
        if self.pending or time.monotonic() - self.swept_at >= SWEEP_SECONDS:
            self.pending = False
            return self.relay(batch=batch)
        return 0

    def relay(self, *, batch=200):
        self.swept_at = time.monotonic()
        table = self.table
        published = 0
        with Session(self.engine) as session, session.begin():
            rows = session.execute(
                select(table.c.id, table.c.event_type, table.c.envelope, table.c.headers)
                .where(table.c.published_at.is_(None))
                .order_by(table.c.created_at)
                .limit(batch)
                .with_for_update(skip_locked=True)).all()
            for row in rows:
                unroutable = False
                try:
                    self.publisher.publish(
                        row.envelope, exchange=self.exchange, routing_key=row.event_type,
                        extra_headers=row.headers)
                except UndeliverableMessage:
                    # No queue bound: the bootstrap declares every consumer's queue before producers
                    # run, so this is an event nobody subscribes to. Counted, not retried forever.
                    unroutable = True
                    metrics.OUTBOX_UNROUTABLE.labels(self.service_name).inc()
                    log.warning("event %s.%s had no queue bound", self.service_name, row.event_type)
                except (KombuOperationalError, OSError):
                    log.warning("broker unreachable; %d outbox rows stay pending", len(rows) - published)
                    break
                session.execute(update(table).where(table.c.id == row.id).values(
                    published_at=datetime.now(timezone.utc), unroutable=unroutable))
                published += 1
            # Counted only when there was something to relay: an empty read means nothing is pending (or only rows
            # another replica is relaying now).
            backlog = session.execute(
                select(func.count()).select_from(table).where(table.c.published_at.is_(None))).scalar() if rows else 0
        metrics.OUTBOX_PUBLISHED.labels(self.service_name).inc(published)
        metrics.OUTBOX_BACKLOG.labels(self.service_name).set(backlog)
        return published

