"""Jobs of several kinds in one table (N-4, ``carnet_common.jobs``) against real PostgreSQL: the queue caps refuse
in the words of the kind asked for, a stalled job is failed with its own kind's ``interrupted`` code, and a job whose
work names no file is done without one (nothing to download)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_common import jobs
from carnet_common.errors import NotFound, TooManyRequests

SCHEMA = "jobkinds"
ALICE = {"org_id": "org-a", "user_id": "alice"}
RUN = "thing_run"


@pytest.fixture(scope="module")
def store(engine):
    metadata = sa.MetaData(schema=SCHEMA)
    store = jobs.JobStore(*jobs.job_tables(metadata))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        metadata.create_all(conn)
    return store


@pytest.fixture
def clean(engine, store, monkeypatch):
    """An empty table, and ``thing_run`` a kind that names its codes (as automations' ``job_codes``)."""
    monkeypatch.setattr(jobs, "_kind_codes", {})
    jobs.register_codes({RUN: {"interrupted": "thing_interrupted", "per_user": "thing_jobs_per_user",
                               "per_org": "thing_jobs_per_org"}})
    with engine.begin() as conn:
        conn.execute(store.jobs.delete())
    return store


@pytest.fixture
def settings(tmp_path):
    return jobs.ExportSettings(sync_max_rows=3, result_ttl=timedelta(hours=24), stalled_after=timedelta(minutes=10),
                               work_dir=str(tmp_path), per_user=1, per_org=2)


def _queue(engine, store, settings, actor, kind):
    with Session(engine) as session, session.begin():
        return jobs.queue_job(session, store, settings=settings, job_id=jobs.new_job_id("things"), actor=actor,
                              kind=kind, params={})


def _refused(engine, store, settings, actor, kind):
    with pytest.raises(TooManyRequests) as info:
        _queue(engine, store, settings, actor, kind)
    return info.value.code


def test_the_caps_refuse_in_the_words_of_the_kind_asked_for_and_count_every_kind(engine, clean, settings):
    _queue(engine, clean, settings, ALICE, "export_things")
    assert _refused(engine, clean, settings, ALICE, RUN) == "thing_jobs_per_user"     # one queue, every kind
    assert _refused(engine, clean, settings, ALICE, "export_things") == "export_jobs_per_user"
    _queue(engine, clean, settings, {"org_id": "org-a", "user_id": "bob"}, RUN)
    carol = {"org_id": "org-a", "user_id": "carol"}
    assert _refused(engine, clean, settings, carol, RUN) == "thing_jobs_per_org"
    assert _refused(engine, clean, settings, carol, "export_things") == "export_jobs_per_org"


def test_a_stalled_job_is_failed_with_its_own_kind_s_interrupted_code(engine, clean, settings):
    run = _queue(engine, clean, settings, ALICE, RUN)
    export = _queue(engine, clean, settings, {"org_id": "org-b", "user_id": "bob"}, "export_things")
    with engine.begin() as conn:
        conn.execute(clean.jobs.update().values(status="running", updated_at=sa.func.now() - timedelta(hours=1)))
    with Session(engine) as session, session.begin():
        assert jobs.clean_jobs(session, clean, settings=settings, interrupted="export_interrupted",
                               interrupted_by_kind={RUN: jobs.code_of(RUN, "interrupted")})["stalled"] == 2
    with engine.connect() as conn:
        errors = dict(conn.execute(sa.select(clean.jobs.c.id, clean.jobs.c.error)).all())
    assert errors == {run: "thing_interrupted", export: "export_interrupted"}


def test_a_job_whose_work_names_no_file_is_done_without_one(engine, clean, settings):
    job_id = _queue(engine, clean, settings, ALICE, RUN)

    def work(session, params, path, report):
        report(1, 1)
        return None

    assert jobs.run_next_job(engine, clean, work={RUN: work}, settings=settings, failure="thing_failed")
    with Session(engine) as session:
        job = jobs.get_job(session, clean, actor=ALICE, job_id=job_id)
        assert (job["status"], job["progress"], job["filename"], job["size"], job["chunks"]) == \
            ("done", 100, None, None, 0)
        with pytest.raises(NotFound):
            jobs.read_job_chunk(session, clean, actor=ALICE, job_id=job_id, seq=0)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(clean.files)).scalar() == 0
