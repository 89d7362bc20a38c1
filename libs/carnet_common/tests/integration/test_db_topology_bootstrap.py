"""The database provider, queue declaration before producers run, and the bootstrap's database step."""

import psycopg
import pytest
import sqlalchemy as sa
from kit_fakes import FakeContainer, FakeWorkerCtx
from kombu import Exchange, Producer
from sqlalchemy.engine import make_url

from carnet_common import bootstrap, db
from carnet_common.topology import declare_event_queues
from carnet_testing import eventually, unique_name


def test_get_engine_gives_one_engine_per_url(database_url):
    assert db.get_engine(database_url) is db.get_engine(database_url.replace("postgresql+psycopg", "postgresql"))


def test_after_commit_runs_only_once_the_transaction_commits(engine):
    ran = []
    with sa.orm.Session(engine) as session:
        session.execute(sa.text("SELECT 1"))
        db.after_commit(session, lambda: ran.append("rolled back"))
        session.rollback()
    assert ran == []

    with sa.orm.Session(engine) as session, session.begin():
        session.execute(sa.text("SELECT 1"))
        db.after_commit(session, lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]


def test_database_provider_rolls_back_what_a_worker_did_not_commit(config, engine, tables):
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS kit.notes (body text)"))
        conn.execute(sa.text("DELETE FROM kit.notes"))
    provider = db.Database()
    provider.container = FakeContainer("kitdb", config)
    provider.setup()

    worker_ctx = FakeWorkerCtx()
    session = provider.get_dependency(worker_ctx)
    session.execute(sa.text("INSERT INTO kit.notes VALUES ('never committed')"))
    # nameko sends the worker's context data as headers of every call and event: the sessions are kept elsewhere
    assert worker_ctx.data == {}
    provider.worker_teardown(worker_ctx)

    committed_ctx = FakeWorkerCtx()
    session = provider.get_dependency(committed_ctx)
    with session.begin():
        session.execute(sa.text("INSERT INTO kit.notes VALUES ('committed')"))
    provider.worker_teardown(committed_ctx)

    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT body FROM kit.notes")).scalars().all() == ["committed"]
    assert len(provider.sessions) == 0


class Consumer:
    name = "kitconsumer"

    from nameko.events import event_handler

    @event_handler("kitproducer", "thing_done", requeue_on_error=True)
    def on_thing_done(self, envelope):
        pass


def waiting(channel, queue_name, expected=1):
    """The queue's message count once it holds ``expected`` (a confirmed publish may take a moment to count)."""
    return eventually(lambda: channel.queue_declare(queue_name, passive=True)[1], lambda count: count >= expected,
                      timeout=3, interval=0.02)


def test_declared_queues_keep_events_published_before_the_consumer_starts(amqp_uri, broker):
    names = declare_event_queues(Consumer, {"AMQP_URI": amqp_uri})

    assert names == ["evt-kitproducer-thing_done--kitconsumer.on_thing_done"]
    channel = broker.channel()
    try:
        exchange = Exchange("kitproducer.events", type="topic", durable=True)
        Producer(channel, exchange=exchange).publish({"n": 1}, routing_key="thing_done", mandatory=True,
                                                     declare=[exchange], serializer="json")
        assert waiting(channel, names[0]) == 1
        # Declaring again (the next release's bootstrap) is harmless and keeps waiting messages.
        declare_event_queues(Consumer, {"AMQP_URI": amqp_uri})
        assert waiting(channel, names[0]) == 1
    finally:
        channel.queue_delete(names[0])
        channel.close()


@pytest.fixture
def missing_database_url(database_url):
    name = unique_name("carnet_kit_boot")
    url = make_url(database_url).set(database=name)
    yield url.render_as_string(hide_password=False)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_ensure_database_creates_a_missing_database_and_then_leaves_it_alone(missing_database_url):
    bootstrap.ensure_database(missing_database_url)
    plain = make_url(missing_database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (id int)")

    bootstrap.ensure_database(missing_database_url)

    with psycopg.connect(plain) as conn:
        assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)


def test_load_class_reads_module_colon_name():
    assert bootstrap.load_class("carnet_common.db:Database") is db.Database
