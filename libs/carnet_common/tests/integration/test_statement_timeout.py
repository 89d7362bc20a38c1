"""Every service session runs without JIT, with one parallel worker at most and only while no other runs on the
server, and under a statement timeout; a statement it stops reaches the caller as a 503 ``query_too_slow``, and
background jobs can lift it for their own transaction."""
import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_common import db
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import ServiceUnavailable
from carnet_testing import eventually


@pytest.fixture()
def short_timeout_engine(database_url, monkeypatch):
    monkeypatch.setenv("DB_STATEMENT_TIMEOUT_MS", "200")
    # A URL of its own so get_engine builds a new engine with the 200 ms option.
    engine = db.get_engine(database_url + "?application_name=timeout_test")
    yield engine
    engine.dispose()


def test_sessions_have_jit_off_and_the_default_timeout(engine):
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar() == "off"
        assert conn.execute(sa.text("SHOW statement_timeout")).scalar() == f"{db.STATEMENT_TIMEOUT_MS // 1000}s"


def test_sessions_allow_one_parallel_worker_and_only_while_no_other_runs(engine):
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW max_parallel_workers_per_gather")).scalar() == "1"
        assert conn.execute(sa.text("SHOW max_parallel_workers")).scalar() == "1"


# Any table scan planned parallel: a Gather over a parallel sequential scan.
_PARALLEL_ANYWAY = ("SET parallel_setup_cost = 0", "SET parallel_tuple_cost = 0",
                    "SET min_parallel_table_scan_size = 0")


def _parallel_plan(conn, query):
    for setting in _PARALLEL_ANYWAY:
        conn.execute(sa.text(setting))
    plan = conn.execute(sa.text(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}")).scalar()[0]["Plan"]
    while plan["Node Type"] != "Gather":
        plan = plan["Plans"][0]
    return plan


_WORKERS = ("SELECT count(*) FILTER (WHERE datname = :d), count(*) FILTER (WHERE datname <> :d) "
            "FROM pg_stat_activity WHERE backend_type = 'parallel worker'")


def _with_a_worker_held(engine, database):
    """(the holder's plan, the plan of a parallel query run while the holder's worker ran or None, whether a parallel
    worker of another database was seen while the holder ran)."""
    held, seen_elsewhere = {}, []

    def hold_a_worker():   # 4,000 rows x 1 ms, shared by the leader and its worker: ~2 s with a worker running
        with engine.connect() as conn:
            held["plan"] = _parallel_plan(conn, "SELECT count(*) FROM parallel_rows WHERE pg_sleep(0.001) IS NOT NULL")
    holder = threading.Thread(target=hold_a_worker)
    holder.start()
    alone = None
    try:
        with engine.connect() as conn:
            def workers():
                here, elsewhere = conn.execute(sa.text(_WORKERS), {"d": database}).one()
                seen_elsewhere.append(elsewhere)
                return here, holder.is_alive()
            if eventually(workers, lambda seen: seen[0] >= 1 or not seen[1], timeout=30)[0] >= 1:
                alone = _parallel_plan(conn, "SELECT count(*) FROM parallel_rows")
    finally:
        holder.join()
    return held["plan"], alone, max(seen_elsewhere) >= 1


def test_a_gather_runs_in_its_leader_alone_while_another_parallel_worker_runs(engine):
    """Under load (another statement's worker running) a parallel plan starts no worker of its own: no process
    started per query on a busy server. The other worker is the test's own holder's; on a shared server whose one
    worker another database holds, the holder's own plan shows the rule (planned 1, launched 0 while that other
    worker is seen running)."""
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE IF NOT EXISTS parallel_rows AS "
                             "SELECT g AS n FROM generate_series(1, 4000) g"))
        conn.execute(sa.text("ANALYZE parallel_rows"))
        database = conn.execute(sa.text("SELECT current_database()")).scalar()
    for _ in range(5):
        held, alone, others_ran = _with_a_worker_held(engine, database)
        if alone is not None:   # run while the holder's worker was seen
            assert (held["Workers Planned"], held["Workers Launched"]) == (1, 1)
            assert (alone["Workers Planned"], alone["Workers Launched"]) == (1, 0)
            return
        if held["Workers Launched"] == 0 and others_ran:
            assert held["Workers Planned"] == 1
            return
        # else the holder's worker ended before it was seen: again
    raise AssertionError("in 5 tries neither the holder's worker nor another database's was seen running")


def test_a_statement_past_the_timeout_is_a_503_query_too_slow(short_timeout_engine):
    class Service:
        @rpc_method
        def slow(self):
            with Session(short_timeout_engine) as session:
                return session.execute(sa.text("SELECT pg_sleep(2)")).scalar()

    with pytest.raises(ServiceUnavailable) as caught:
        Service().slow()
    assert caught.value.code == "query_too_slow"
    assert caught.value.status == 503


def test_a_job_lifts_the_timeout_for_its_transaction_only(short_timeout_engine):
    with Session(short_timeout_engine) as session:
        db.no_statement_timeout(session)
        assert session.execute(sa.text("SELECT 1 FROM pg_sleep(0.4)")).scalar() == 1
        session.rollback()
        # the next transaction on the same pooled connection is limited again
        assert session.execute(sa.text("SHOW statement_timeout")).scalar() == "200ms"
