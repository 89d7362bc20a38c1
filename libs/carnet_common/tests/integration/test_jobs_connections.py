"""A job's bookkeeping (its progress after each batch, then its file) runs on one connection opened for the job, beside
the work's own (issue 9 §3, the export job within its writer's floor): on a work engine without a pool
(``jobs.thread_engine``, as the service runs jobs), every progress commit used to open a connection of its own,
a backend forked and authenticated per batch (20 for 100,000 rows). Real PostgreSQL."""
import os
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from carnet_common import jobs

SCHEMA = "jobconn"
ALICE = {"org_id": "org-a", "user_id": "alice"}


@pytest.fixture(scope="module")
def store(engine):
    metadata = sa.MetaData(schema=SCHEMA)
    store = jobs.JobStore(*jobs.job_tables(metadata))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        metadata.create_all(conn)
    return store


@pytest.fixture
def settings(tmp_path):
    return jobs.ExportSettings(sync_max_rows=3, result_ttl=timedelta(hours=24), stalled_after=timedelta(minutes=10),
                               work_dir=str(tmp_path), time_limit=timedelta(minutes=7), per_user=2, per_org=3)


@pytest.fixture
def opened(engine):
    """Connections the job's work engine (``thread_engine``: no pool) opens."""
    work_engine = jobs.thread_engine(engine)
    count = []
    listener = lambda *args: count.append(1)  # noqa: E731
    event.listen(work_engine, "connect", listener)
    yield work_engine, count
    event.remove(work_engine, "connect", listener)


def _queue(engine, store):
    with Session(engine) as session, session.begin():
        return store.create(session, job_id=jobs.new_job_id("things"), actor=ALICE, kind="export_things",
                            params={"batches": 20})


def _row(engine, store, job_id):
    with engine.connect() as conn:
        return conn.execute(sa.select(store.jobs).where(store.jobs.c.id == job_id)).mappings().one()


def test_progress_and_the_file_share_one_connection_beside_the_works(engine, store, settings, opened):
    work_engine, count = opened
    job_id = _queue(engine, store)
    content = os.urandom(jobs.CHUNK_BYTES + 5)
    seen = []

    def work(session, params, path, report):
        session.execute(sa.text("SELECT 1"))
        for done in range(1, params["batches"] + 1):
            report(done, params["batches"])
            seen.append(_row(engine, store, job_id)["progress"])    # committed at once, seen from outside
        with open(path, "wb") as file:
            file.write(content)
        return "things.xlsx"

    assert jobs.run_next_job(engine, store, work={"export_things": work}, settings=settings, failure="boom",
                             work_engine=work_engine)

    assert len(count) == 2     # the work's, and the bookkeeping's (22 before: one per progress commit and the file)
    assert seen == [min(99, done * 100 // 20) for done in range(1, 21)]
    job = _row(engine, store, job_id)
    assert (job["status"], job["progress"], job["result_chunks"], job["result_size"]) == ("done", 100, 2, len(content))
    with Session(engine) as session:
        chunks = [jobs.read_job_chunk(session, store, actor=ALICE, job_id=job_id, seq=seq) for seq in range(2)]
    assert sum(len(chunk["data"]) for chunk in chunks) > len(content)   # base64 of the whole file


def test_a_job_stopped_midway_leaves_its_last_progress_and_fails(engine, store, settings, opened):
    work_engine, _ = opened
    job_id = _queue(engine, store)

    def work(session, params, path, report):
        report(1, 4)
        raise RuntimeError("the sheet broke")

    assert jobs.run_next_job(engine, store, work={"export_things": work}, settings=settings,
                             failure="export_failed", work_engine=work_engine)
    job = _row(engine, store, job_id)
    assert (job["status"], job["error"], job["progress"], job["result_chunks"]) == ("failed", "export_failed", 25, None)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(store.files)
                            .where(store.files.c.job_id == job_id)).scalar() == 0
