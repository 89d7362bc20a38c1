"""The outbox on real PostgreSQL and RabbitMQ: rows written with the change, published after commit."""
import time

import pytest
import sqlalchemy as sa
from kit_fakes import FakeContainer, FakeWorkerCtx
from kombu import Exchange, Queue
from nameko.standalone.events import get_event_exchange
from prometheus_client import REGISTRY
from sqlalchemy.orm import Session

from carnet_common import outbox as outbox_module
from carnet_common.outbox import Outbox

SERVICE = "kitpub"


@pytest.fixture
def outbox(config, clean_tables):
    provider = Outbox(clean_tables["outbox"])
    provider.container = FakeContainer(SERVICE, config)
    provider.setup()
    return provider


@pytest.fixture
def bound_queue(broker, outbox):
    """A queue bound to ``kitpub.events`` for ``thing_done``, removed afterwards."""
    queue = Queue("kit-test-thing_done", exchange=get_event_exchange(SERVICE, {}), routing_key="thing_done",
                  auto_delete=False, durable=False)
    channel = broker.channel()
    bound = queue(channel)
    bound.declare()
    bound.purge()
    yield bound
    bound.delete()
    channel.close()


def add_rows(engine, outbox, *events, request_id=None):
    handle = outbox.get_dependency(FakeWorkerCtx(data={"request_id": request_id} if request_id else {}))
    with Session(engine) as session, session.begin():
        return [handle.add(session, event_type, data) for event_type, data in events]


def outbox_rows(engine, tables):
    with engine.connect() as conn:
        return conn.execute(sa.select(tables["outbox"]).order_by(tables["outbox"].c.created_at)).mappings().all()


def test_add_writes_the_envelope_and_the_request_id_in_the_callers_transaction(engine, outbox, clean_tables):
    envelope, = add_rows(engine, outbox, ("thing_done", {"id": 1}), request_id="req-7")

    row, = outbox_rows(engine, clean_tables)
    assert row["id"] == envelope["event_id"]
    assert row["event_type"] == "thing_done"
    assert row["envelope"] == envelope
    assert row["headers"] == {"nameko.request_id": "req-7"}
    assert row["published_at"] is None


def test_an_event_of_a_rolled_back_transaction_is_never_published(engine, outbox, clean_tables):
    handle = outbox.get_dependency(FakeWorkerCtx())
    with Session(engine) as session:
        handle.add(session, "thing_done", {"id": 1})
        session.rollback()

    assert outbox_rows(engine, clean_tables) == []
    assert outbox.relay() == 0


def test_relay_publishes_pending_rows_with_their_headers_then_marks_them(engine, outbox, clean_tables, bound_queue):
    first, second = add_rows(engine, outbox, ("thing_done", {"n": 1}), ("thing_done", {"n": 2}),
                             request_id="req-9")

    assert outbox.relay() == 2

    messages = [bound_queue.get(no_ack=True) for _ in range(2)]
    assert [m.payload for m in messages] == [first, second]
    assert all(m.headers.get("nameko.request_id") == "req-9" for m in messages)
    assert all(m.properties["delivery_mode"] == 2 for m in messages)
    rows = outbox_rows(engine, clean_tables)
    assert all(r["published_at"] is not None and r["unroutable"] is False for r in rows)
    assert outbox.relay() == 0
    assert bound_queue.get(no_ack=True) is None


def test_an_event_nobody_subscribes_to_is_marked_unroutable_not_retried(engine, outbox, clean_tables, bound_queue):
    before = REGISTRY.get_sample_value("carnet_outbox_unroutable_total", {"service": SERVICE}) or 0
    add_rows(engine, outbox, ("nobody_listens", {"n": 1}))

    assert outbox.relay() == 1

    row, = outbox_rows(engine, clean_tables)
    assert row["published_at"] is not None and row["unroutable"] is True
    assert REGISTRY.get_sample_value("carnet_outbox_unroutable_total", {"service": SERVICE}) == before + 1
    assert REGISTRY.get_sample_value("carnet_outbox_backlog", {"service": SERVICE}) == 0


def test_relay_skips_rows_another_relay_holds(engine, outbox, clean_tables, bound_queue):
    held, free = add_rows(engine, outbox, ("thing_done", {"n": 1}), ("thing_done", {"n": 2}))
    table = clean_tables["outbox"]

    with engine.connect() as other_replica:
        other_replica.execute(sa.select(table.c.id).where(table.c.id == held["event_id"]).with_for_update())
        assert outbox.relay() == 1
        assert bound_queue.get(no_ack=True).payload == free
        assert REGISTRY.get_sample_value("carnet_outbox_backlog", {"service": SERVICE}) == 1
        other_replica.rollback()

    assert outbox.relay() == 1
    assert bound_queue.get(no_ack=True).payload == held


def test_relay_keeps_rows_pending_when_the_broker_is_unreachable(engine, clean_tables, database_url):
    provider = Outbox(clean_tables["outbox"])
    provider.container = FakeContainer(SERVICE, {"DATABASE_URL": database_url, "serializer": "json",
                                                 "AMQP_URI": "amqp://guest:guest@127.0.0.1:1//"})
    provider.setup()
    provider.publisher.retry_policy = {"max_retries": 0}
    add_rows(engine, provider, ("thing_done", {"n": 1}))

    assert provider.relay() == 0

    row, = outbox_rows(engine, clean_tables)
    assert row["published_at"] is None


def test_published_exchange_is_the_nameko_event_exchange_of_the_service(outbox):
    assert isinstance(outbox.exchange, Exchange)
    assert outbox.exchange.name == f"{SERVICE}.events"
    assert outbox.exchange.type == "topic"


def test_a_commit_that_wrote_events_asks_for_one_relay_which_publishes_them(engine, outbox, clean_tables,
                                                                          bound_queue):
    first, second = add_rows(engine, outbox, ("thing_done", {"n": 1}), ("thing_done", {"n": 2}))
    add_rows(engine, outbox, ("thing_done", {"n": 3}))          # while the first relay has not run yet
    assert len(outbox.container.spawned) == 1

    outbox.container.spawned.pop()()

    assert [bound_queue.get(no_ack=True).payload["data"]["n"] for _ in range(3)] == [1, 2, 3]
    assert all(r["published_at"] is not None for r in outbox_rows(engine, clean_tables))
    add_rows(engine, outbox, ("thing_done", {"n": 4}))          # the relay has ended: the next commit asks again
    assert len(outbox.container.spawned) == 1


def test_a_rolled_back_transaction_asks_for_no_relay(engine, outbox, clean_tables):
    handle = outbox.get_dependency(FakeWorkerCtx())
    with Session(engine) as session:
        handle.add(session, "thing_done", {"id": 1})
        session.rollback()
    assert outbox.container.spawned == []


def test_between_commits_the_timer_reads_the_table_only_every_sweep_period(engine, outbox, clean_tables,
                                                                        bound_queue, monkeypatch):
    handle = outbox.get_dependency(FakeWorkerCtx())
    assert handle.relay() == 0                                   # the first call sweeps
    # A row no relay of ours was told about (another replica's, which stopped before relaying it):
    with engine.begin() as conn:
        conn.execute(clean_tables["outbox"].insert().values(
            id="00000000-0000-0000-0000-0000000000aa", event_type="thing_done",
            envelope={"event_id": "00000000-0000-0000-0000-0000000000aa", "data": {}}, headers={}))
    assert handle.relay() == 0                                   # not due yet: no statement sent
    later = time.monotonic() + outbox_module.SWEEP_SECONDS
    monkeypatch.setattr(outbox_module.time, "monotonic", lambda: later)
    assert handle.relay() == 1
    assert bound_queue.get(no_ack=True) is not None
