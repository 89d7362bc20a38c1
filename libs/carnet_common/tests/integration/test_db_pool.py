"""The Database provider's pool holds one connection per nameko worker: bursts of every worker at once reuse the
same connections instead of opening (forking a backend) and closing overflow ones each time; a connection whose
backend is gone is replaced at checkout without a ping; read-only entrypoints read without a transaction."""
import threading

import pytest
import sqlalchemy as sa
from kit_fakes import FakeContainer, FakeWorkerCtx

from carnet_common import db
from carnet_common.entrypoints import rpc_method

WORKERS = 6
ROUNDS = 12


@pytest.fixture()
def provider(database_url):
    # A URL of its own, so the engine is built for this container's max_workers.
    url = database_url + "?application_name=pool_test"
    provider = db.Database()
    provider.container = FakeContainer("kit", {"DATABASE_URL": url, "max_workers": WORKERS})
    provider.setup()
    yield provider
    provider.engine.dispose()


def test_a_burst_of_every_worker_opens_no_more_connections_than_workers(provider):
    barrier = threading.Barrier(WORKERS)
    backends, errors = set(), []

    def worker():
        try:
            for _ in range(ROUNDS):
                ctx = FakeWorkerCtx()
                session = provider.get_dependency(ctx)
                backends.add(session.execute(sa.text("SELECT pg_backend_pid()")).scalar())
                barrier.wait(timeout=10)  # every worker holds its connection at the same time
                provider.worker_teardown(ctx)
                barrier.wait(timeout=10)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(backends) == WORKERS, "each backend pid is a connection opened"
    assert provider.engine.pool.size() == WORKERS


def _pids_of_every_pooled_connection(provider):
    contexts = [FakeWorkerCtx() for _ in range(WORKERS)]
    pids = [provider.get_dependency(ctx).execute(sa.text("SELECT pg_backend_pid()")).scalar() for ctx in contexts]
    for ctx in contexts:
        provider.worker_teardown(ctx)
    return pids


def test_a_connection_whose_backend_was_terminated_is_replaced_without_an_error(provider, engine):
    before = _pids_of_every_pooled_connection(provider)
    assert provider.engine.pool.checkedin() == WORKERS
    with engine.connect() as admin:
        admin.execute(sa.text("SELECT pg_terminate_backend(pid) FROM unnest(CAST(:pids AS int[])) AS pid"),
                      {"pids": before})
        admin.commit()
        gone = admin.execute(sa.text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(CAST(:pids AS int[]))"),
                             {"pids": before})
        deadline = 50
        while gone.scalar() and deadline:
            deadline -= 1
            admin.execute(sa.text("SELECT pg_sleep(0.1)"))
            gone = admin.execute(sa.text("SELECT count(*) FROM pg_stat_activity "
                                         "WHERE pid = ANY(CAST(:pids AS int[]))"), {"pids": before})
    after = _pids_of_every_pooled_connection(provider)   # would raise OperationalError on a dead connection
    assert not set(after) & set(before)
    assert len(set(after)) == WORKERS


def test_a_checkout_sends_no_ping(provider, monkeypatch):
    pings = []
    monkeypatch.setattr(provider.engine.dialect, "do_ping", lambda conn: pings.append(conn) or True)
    _pids_of_every_pooled_connection(provider)
    _pids_of_every_pooled_connection(provider)
    assert pings == []


class ReadingService:
    @rpc_method(read_only=True)
    def get_thing(self):
        """Declared read-only."""

    @rpc_method
    def change_thing(self):
        """May write."""


def _backend_state(engine, pid):
    with engine.connect() as admin:
        return admin.execute(sa.text("SELECT state FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).scalar()


def test_a_read_only_entrypoint_reads_outside_a_transaction_and_cannot_begin_one(provider, engine):
    reads = FakeWorkerCtx("get_thing", service=ReadingService())
    session = provider.get_dependency(reads)
    pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    assert _backend_state(engine, pid) == "idle"        # no BEGIN was sent, none is left open
    with pytest.raises(RuntimeError):
        session.begin()
    provider.worker_teardown(reads)

    writes = FakeWorkerCtx("change_thing", service=ReadingService())
    session = provider.get_dependency(writes)
    pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
    assert _backend_state(engine, pid) == "idle in transaction"
    provider.worker_teardown(writes)
    assert _backend_state(engine, pid) == "idle"         # rolled back when the worker ended
