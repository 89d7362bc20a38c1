"""The inbox on real PostgreSQL: an event's effect happens once; a poison event is parked, not looped."""
import uuid

import pytest
import sqlalchemy as sa
from kit_fakes import FakeContainer, FakeWorkerCtx
from prometheus_client import REGISTRY

from carnet_common.events import make_envelope
from carnet_common.inbox import Inbox

effects = sa.Table("effects", sa.MetaData(schema="kit"),
                   sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                   sa.Column("event_id", sa.Text, nullable=False),
                   sa.Column("value", sa.Text, nullable=False))

HANDLER = "kitsvc.on_thing"


@pytest.fixture
def inbox(config, engine, clean_tables):
    with engine.begin() as conn:
        effects.create(conn, checkfirst=True)
        conn.execute(effects.delete())
    provider = Inbox(clean_tables["inbox"], clean_tables["failures"], max_attempts=3)
    provider.container = FakeContainer("kitsvc", config)
    provider.setup()
    return provider


def write_effect(session, data):
    session.execute(effects.insert().values(event_id=data["key"], value=data["value"]))


def effect_rows(engine):
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.select(effects.c.event_id, effects.c.value))]


def failure(engine, tables, event_id):
    with engine.connect() as conn:
        return conn.execute(sa.select(tables["failures"]).where(
            tables["failures"].c.event_id == event_id)).mappings().first()


def test_handle_is_named_after_service_and_entrypoint(inbox):
    handle = inbox.get_dependency(FakeWorkerCtx("on_thing"))
    assert handle._handler == HANDLER


def test_an_event_is_applied_once_and_its_id_recorded(inbox, engine, clean_tables):
    envelope = make_envelope({"key": "k1", "value": "v"})

    assert inbox.handle(HANDLER, envelope, write_effect) is True

    assert effect_rows(engine) == [("k1", "v")]
    with engine.connect() as conn:
        recorded = conn.execute(sa.select(clean_tables["inbox"].c.event_id, clean_tables["inbox"].c.handler)).all()
    assert [tuple(r) for r in recorded] == [(envelope["event_id"], HANDLER)]


def test_a_second_delivery_of_the_same_event_changes_nothing(inbox, engine):
    envelope = make_envelope({"key": "k1", "value": "v"})
    before = REGISTRY.get_sample_value("carnet_events_duplicate_total",
                                       {"service": "kitsvc", "handler": HANDLER}) or 0
    inbox.handle(HANDLER, envelope, write_effect)

    assert inbox.handle(HANDLER, envelope, write_effect) is False

    assert effect_rows(engine) == [("k1", "v")]
    assert REGISTRY.get_sample_value("carnet_events_duplicate_total",
                                     {"service": "kitsvc", "handler": HANDLER}) == before + 1


def test_the_same_event_is_handled_once_per_handler(inbox, engine):
    envelope = make_envelope({"key": "k1", "value": "v"})

    assert inbox.handle(HANDLER, envelope, write_effect) is True
    assert inbox.handle("kitsvc.on_other", envelope, write_effect) is True

    assert len(effect_rows(engine)) == 2


def test_a_failing_handler_leaves_no_effect_nor_inbox_row_and_is_retried(inbox, engine, clean_tables):
    envelope = make_envelope({"key": "k1", "value": "v"})

    def half_then_fail(session, data):
        write_effect(session, data)
        raise RuntimeError("downstream refused")

    with pytest.raises(RuntimeError):
        inbox.handle(HANDLER, envelope, half_then_fail)

    assert effect_rows(engine) == []
    row = failure(engine, clean_tables, envelope["event_id"])
    assert row["attempts"] == 1 and row["parked"] is False
    assert "downstream refused" in row["last_error"]
    # The retry that succeeds is applied normally, the earlier failure does not count as handled.
    assert inbox.handle(HANDLER, envelope, write_effect) is True
    assert effect_rows(engine) == [("k1", "v")]


def test_a_poison_event_is_parked_after_max_attempts_and_then_acknowledged(inbox, engine, clean_tables):
    envelope = make_envelope({"key": "k1", "value": "v"})

    def always_fail(session, data):
        raise ValueError("poison")

    for _ in range(inbox.max_attempts - 1):
        with pytest.raises(ValueError):
            inbox.handle(HANDLER, envelope, always_fail)
    assert inbox.handle(HANDLER, envelope, always_fail) is False

    row = failure(engine, clean_tables, envelope["event_id"])
    assert row["attempts"] == inbox.max_attempts and row["parked"] is True
    assert row["envelope"] == envelope
    # Other events keep flowing.
    assert inbox.handle(HANDLER, make_envelope({"key": "k2", "value": "v"}), write_effect) is True
    assert effect_rows(engine) == [("k2", "v")]


@pytest.mark.parametrize("envelope", [
    "not an object",
    {"data": {"key": "k"}},
    {"event_id": str(uuid.uuid4()), "data": "not an object"},
    {"event_id": "not-a-uuid", "occurred_at": "2024-01-01T00:00:00+00:00", "version": 1, "data": {"key": "k"}},
], ids=["string", "no-event-id", "data-not-object", "event-id-not-uuid"])
def test_a_malformed_envelope_is_parked_at_once_without_effect(inbox, engine, clean_tables, envelope):
    assert inbox.handle(HANDLER, envelope, write_effect) is False

    assert effect_rows(engine) == []
    with engine.connect() as conn:
        parked = conn.execute(sa.select(clean_tables["failures"])).mappings().all()
    assert len(parked) == 1 and parked[0]["parked"] is True
    assert parked[0]["envelope"]["raw"] == envelope


def test_each_distinct_malformed_envelope_keeps_its_own_dead_letter(inbox, engine, clean_tables):
    first, second = {"data": {"key": "a"}}, {"data": {"key": "b"}}

    inbox.handle(HANDLER, first, write_effect)
    inbox.handle(HANDLER, second, write_effect)

    with engine.connect() as conn:
        kept = [row.envelope["raw"] for row in conn.execute(sa.select(clean_tables["failures"].c.envelope))]
    assert sorted(kept, key=str) == [first, second]
