"""Transactional outbox (N-3): events are rows written with the change, published after commit.

``self.outbox.add(session, "user_created", data)`` inside the use case's transaction; a ``@timer`` on the
service calls ``self.outbox.relay()``, which publishes pending rows to nameko's ``<service>.events``
exchange with publisher confirms and ``mandatory=True``, rows locked ``FOR UPDATE SKIP LOCKED`` so several
replicas can relay at once. A row is marked published only after RabbitMQ confirmed it: a crash in
between publishes it again, which consumers absorb through their inbox (at-least-once).
"""
import logging
from datetime import datetime, timezone

from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import PERSISTENT
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from carnet_common import metrics
from carnet_common.db import engine_for
from carnet_common.events import make_envelope

log = logging.getLogger(__name__)


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
        return envelope

    def relay(self, batch=200):
        return self._provider.relay(batch=batch)


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

    def get_dependency(self, worker_ctx):
        return OutboxHandle(self, worker_ctx)

    def relay(self, *, batch=200):
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
            backlog = session.execute(
                select(func.count()).select_from(table).where(table.c.published_at.is_(None))).scalar()
        metrics.OUTBOX_PUBLISHED.labels(self.service_name).inc(published)
        metrics.OUTBOX_BACKLOG.labels(self.service_name).set(backlog)
        return published

