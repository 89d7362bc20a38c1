"""The background jobs kit (N-4, ``carnet_common.jobs``) against real PostgreSQL: the tables a migration builds,
claims with SKIP LOCKED taken in turn per organization, caps on queued jobs, the check before a job runs, its time
limit, progress, files in chunks, owner-only reads, failures, stalled and expired jobs."""
import base64
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carnet_common import jobs
from carnet_common.errors import Conflict, NotFound, TooManyRequests

SCHEMA = "jobkit"
ALICE = {"org_id": "org-a", "user_id": "alice"}


@pytest.fixture(scope="module")
def store(engine):
    """The tables the services' models declare (their migrations build the same: tests/contract)."""
    metadata = sa.MetaData(schema=SCHEMA)
    store = jobs.JobStore(*jobs.job_tables(metadata))
    with engine.begin() as conn:
        conn.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
        metadata.create_all(conn)
    return store


@pytest.fixture
def clean(engine, store):
    with engine.begin() as conn:
        conn.execute(store.jobs.delete())
    return store


@pytest.fixture
def settings(tmp_path):
    return jobs.ExportSettings(sync_max_rows=3, result_ttl=timedelta(hours=24), stalled_after=timedelta(minutes=10),
                               work_dir=str(tmp_path), time_limit=timedelta(minutes=7), per_user=2, per_org=3)


def _create(engine, store, kind="export_things", actor=ALICE, params=None):
    with Session(engine) as session, session.begin():
        return store.create(session, job_id=jobs.new_job_id("things"), actor=actor, kind=kind,
                            params=params or {"n": 1})


def _row(engine, store, job_id):
    with engine.connect() as conn:
        return conn.execute(sa.select(store.jobs).where(store.jobs.c.id == job_id)).mappings().first()


def _age(engine, store, job_id, hours, **values):
    with engine.begin() as conn:
        conn.execute(store.jobs.update().where(store.jobs.c.id == job_id).values(
            updated_at=sa.func.now() - timedelta(hours=hours), **values))


def test_the_tables_refuse_an_unknown_status_and_a_progress_past_100(engine, store):
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(store.jobs.insert().values(id="x", org_id="o", user_id="u", kind="k", status="lost",
                                                progress=0, params={}))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(store.jobs.insert().values(id="x", org_id="o", user_id="u", kind="k", status="queued",
                                                progress=101, params={}))


def test_ids_name_their_service_and_unprefixed_ones_name_none():
    job_id = jobs.new_job_id("opportunities")
    assert job_id.startswith("opportunities:") and jobs.owner_of(job_id) == "opportunities"
    assert jobs.owner_of("7d0c0f6e-0000-4000-8000-000000000000") == ""
    assert jobs.clean_job_id(job_id) == job_id
    assert jobs.clean_job_id("x" * 65) == jobs.clean_job_id(42) == jobs.clean_job_id("") == ""


def test_concurrent_claims_take_different_jobs_oldest_first_and_only_their_kinds(engine, clean):
    first, second = _create(engine, clean), _create(engine, clean)
    other_kind = _create(engine, clean, kind="import_things")
    with Session(engine) as one, one.begin(), Session(engine) as two, two.begin():
        two.execute(sa.text("SET LOCAL lock_timeout = '2s'"))    # waiting for the lock would fail, not hang
        claimed_one = clean.claim(one, kinds={"export_things"})
        claimed_two = clean.claim(two, kinds={"export_things"})   # the first is locked: skipped, not waited for
        assert (claimed_one["id"], claimed_two["id"]) == (first, second)
        with Session(engine) as three, three.begin():
            assert clean.claim(three, kinds={"export_things"}) is None
    assert _row(engine, clean, first)["status"] == _row(engine, clean, second)["status"] == "running"
    assert _row(engine, clean, other_kind)["status"] == "queued"


def test_a_job_runs_to_done_with_progress_and_its_file_in_chunks(engine, clean, settings):
    job_id = _create(engine, clean, params={"size": 2 * jobs.CHUNK_BYTES + 10})
    content = os.urandom(2 * jobs.CHUNK_BYTES + 10)
    seen = {}

    def work(session, params, path, report):
        seen["timeout"] = session.execute(sa.text("SHOW statement_timeout")).scalar()
        seen["status"] = _row(engine, clean, job_id)["status"]
        for done in (1, 2, 3):
            report(done, 4)
            seen.setdefault("progress", []).append(_row(engine, clean, job_id)["progress"])
        with open(path, "wb") as file:
            file.write(content[:params["size"]])
        return "things.xlsx"

    assert jobs.run_next_job(engine, clean, work={"export_things": work}, settings=settings, failure="boom")
    assert seen == {"timeout": "7min", "status": "running", "progress": [25, 50, 75]}   # the job's own limit
    with Session(engine) as session:
        job = jobs.get_job(session, clean, actor=ALICE, job_id=job_id)
        assert (job["status"], job["progress"], job["errors"], job["filename"]) == ("done", 100, [], "things.xlsx")
        assert job["size"] == len(content) and job["chunks"] == 3
        data = b"".join(base64.b64decode(jobs.read_job_chunk(session, clean, actor=ALICE, job_id=job_id, seq=seq)
                                         ["data"]) for seq in range(job["chunks"]))
        assert data == content
    assert _row(engine, clean, job_id)["expires_at"] is not None
    assert os.listdir(settings.work_dir) == []     # the working file is gone
    assert not jobs.run_next_job(engine, clean, work={"export_things": work}, settings=settings, failure="boom")


def test_only_the_owner_reads_a_job_and_only_once_it_is_done(engine, clean):
    job_id = _create(engine, clean)
    with Session(engine) as session:
        for other in ({"org_id": "org-a", "user_id": "bob"}, {"org_id": "org-b", "user_id": "alice"}):
            with pytest.raises(NotFound):
                jobs.get_job(session, clean, actor=other, job_id=job_id)
            with pytest.raises(NotFound):
                jobs.read_job_chunk(session, clean, actor=other, job_id=job_id, seq=0)
        assert jobs.get_job(session, clean, actor=ALICE, job_id=job_id)["status"] == "queued"
        with pytest.raises(Conflict) as info:
            jobs.read_job_chunk(session, clean, actor=ALICE, job_id=job_id, seq=0)
        assert info.value.code == "job_not_ready"
    with Session(engine) as session, session.begin():
        session.execute(clean.files.insert().values(job_id=job_id, seq=0, data=b"x"))
        clean.update(session, job_id, status="done", result_chunks=1, result_size=1, result_name="f.xlsx")
    with Session(engine) as session:
        assert jobs.read_job_chunk(session, clean, actor=ALICE, job_id=job_id, seq=0) == {"data": "eA=="}
        for seq in (1, -1, True, "0"):
            with pytest.raises(NotFound):
                jobs.read_job_chunk(session, clean, actor=ALICE, job_id=job_id, seq=seq)


def test_a_failing_job_is_failed_with_its_code_and_leaves_no_file(engine, clean, settings):
    job_id = _create(engine, clean)

    def work(session, params, path, report):
        report(1, 2)
        raise RuntimeError("disk full")

    assert jobs.run_next_job(engine, clean, work={"export_things": work}, settings=settings, failure="export_failed")
    row = _row(engine, clean, job_id)
    assert (row["status"], row["error"]) == ("failed", "export_failed") and row["expires_at"] is not None
    with Session(engine) as session:
        assert jobs.get_job(session, clean, actor=ALICE, job_id=job_id)["errors"] == ["export_failed"]
    assert os.listdir(settings.work_dir) == []


def test_stalled_jobs_are_failed_and_expired_ones_deleted_with_their_chunks(engine, clean, settings):
    stalled, busy, expired, kept = (_create(engine, clean) for _ in range(4))
    _age(engine, clean, stalled, 1, status="running")
    _age(engine, clean, busy, 0, status="running")
    _age(engine, clean, expired, 25, status="done", expires_at=sa.func.now() - timedelta(hours=1))
    _age(engine, clean, kept, 0, status="done", expires_at=sa.func.now() + timedelta(hours=23))
    with engine.begin() as conn:
        conn.execute(clean.files.insert(), [{"job_id": expired, "seq": 0, "data": b"x"},
                                            {"job_id": kept, "seq": 0, "data": b"y"}])
    with Session(engine) as session, session.begin():
        assert jobs.clean_jobs(session, clean, settings=settings, interrupted="export_interrupted") == \
            {"stalled": 1, "deleted": 1}
    assert (_row(engine, clean, stalled)["status"], _row(engine, clean, stalled)["error"]) == \
        ("failed", "export_interrupted")
    assert _row(engine, clean, busy)["status"] == "running" and _row(engine, clean, expired) is None
    with engine.connect() as conn:
        assert conn.execute(sa.select(clean.files.c.job_id)).scalars().all() == [kept]


def test_two_runners_at_once_never_run_the_same_job(engine, clean, settings):
    ids = {_create(engine, clean) for _ in range(6)}
    ran, lock = [], threading.Lock()

    def work(session, params, path, report):
        with lock:
            ran.append(session.execute(sa.text("SELECT 1")).scalar())
        open(path, "wb").close()
        return "f.xlsx"

    def runner():
        while jobs.run_next_job(engine, clean, work={"export_things": work}, settings=settings, failure="boom"):
            pass

    threads = [threading.Thread(target=runner) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(ran) == len(ids)
    assert {_row(engine, clean, job_id)["status"] for job_id in ids} == {"done"}


def test_a_claimed_job_runs_in_the_offloaded_thread_on_connections_of_its_own(engine, clean, settings):
    """What ``JobRpc.run_jobs`` does with ``eventlet.tpool``: the claim here, the work, its progress and its file in
    another OS thread, on ``thread_engine``'s connections (not the caller's pool); a failure there is recorded."""
    done, failing = _create(engine, clean), _create(engine, clean, kind="export_broken")
    seen = {}

    def offload(fn, *args):
        with ThreadPoolExecutor(max_workers=1) as pool:    # an OS thread, as tpool's; raises what fn raised
            return pool.submit(fn, *args).result(timeout=30)

    def work(session, params, path, report):
        seen["thread"] = threading.get_ident()
        seen["engine"] = session.get_bind()
        seen["waits"] = type(session.connection().connection.dbapi_connection).wait
        seen["timeout"] = session.execute(sa.text("SHOW statement_timeout")).scalar()
        report(1, 2)
        seen["progress"] = _row(engine, clean, done)["progress"]
        with open(path, "wb") as file:
            file.write(b"sheet")
        return "things.xlsx"

    def broken(session, params, path, report):
        raise RuntimeError("no sheet")

    work_engine = jobs.thread_engine(engine)
    assert work_engine is jobs.thread_engine(engine) and work_engine is not engine
    for _ in range(2):
        assert jobs.run_next_job(engine, clean, work={"export_things": work, "export_broken": broken},
                                 settings=settings, failure="export_failed", offload=offload, work_engine=work_engine)
    assert seen["thread"] != threading.get_ident()
    assert seen["engine"] is work_engine and (seen["timeout"], seen["progress"]) == ("7min", 50)
    assert seen["waits"] is not psycopg.Connection.wait     # in C, the GIL released: not the green wait
    job = _row(engine, clean, done)
    assert (job["status"], job["result_name"], job["result_size"]) == ("done", "things.xlsx", 5)
    failed = _row(engine, clean, failing)
    assert (failed["status"], failed["error"]) == ("failed", "export_failed")
    assert os.listdir(settings.work_dir) == []


def _file(session, params, path, report):
    open(path, "wb").close()
    return "f.xlsx"


def _run_all(engine, store, settings, **options):
    """Every queued job run in turn, as one runner's ticks would; the ids in the order they were claimed."""
    order = []

    def work(session, params, path, report):
        order.append(params["name"])
        return _file(session, params, path, report)
    while jobs.run_next_job(engine, store, work={"export_things": work}, settings=settings, failure="boom",
                            **options):
        pass
    return order


def test_organizations_take_turns_so_one_with_many_jobs_queued_cannot_starve_another(engine, clean, settings):
    """N-4, issue 10 §2: org-a queues four jobs, then org-b one; org-b's comes second, not fifth, and a third
    organization queuing later still passes before org-a's remaining jobs once org-a has been served after it."""
    org_a, org_b, org_c = ({"org_id": org, "user_id": "alice"} for org in ("org-a", "org-b", "org-c"))
    for n in range(4):
        _create(engine, clean, actor=org_a, params={"name": f"a{n}"})
    _create(engine, clean, actor=org_b, params={"name": "b0"})
    assert _run_all(engine, clean, settings)[:3] == ["a0", "b0", "a1"]
    for n in range(3):
        _create(engine, clean, actor=org_a, params={"name": f"a{n + 4}"})
    _create(engine, clean, actor=org_b, params={"name": "b1"})
    _create(engine, clean, actor=org_c, params={"name": "c0"})
    assert _run_all(engine, clean, settings) == ["a4", "b1", "c0", "a5", "a6"]


def test_the_claim_within_one_organization_is_oldest_first_whatever_the_user(engine, clean, settings):
    for n, user in enumerate(("alice", "bob", "alice")):
        _create(engine, clean, actor={"org_id": "org-a", "user_id": user}, params={"name": f"j{n}"})
    assert _run_all(engine, clean, settings) == ["j0", "j1", "j2"]


def _queue(engine, store, settings, actor):
    with Session(engine) as session, session.begin():
        return jobs.queue_job(session, store, settings=settings, job_id=jobs.new_job_id("things"), actor=actor,
                              kind="export_things", params={"name": "q"})


def test_a_user_and_an_organization_hold_at_most_their_cap_of_unfinished_jobs(engine, clean, settings):
    """Issue 10 §2: two jobs a user (``per_user``), three an organization (``per_org``), queued or running; a
    finished one frees its place; another organization is not counted."""
    alice, bob, carol = ({"org_id": "org-a", "user_id": user} for user in ("alice", "bob", "carol"))
    first = _queue(engine, clean, settings, alice)
    _queue(engine, clean, settings, alice)
    with pytest.raises(TooManyRequests) as info:
        _queue(engine, clean, settings, alice)
    assert (info.value.code, info.value.params) == ("export_jobs_per_user", {"limit": 2, "retry_after": 30})
    _queue(engine, clean, settings, bob)
    with pytest.raises(TooManyRequests) as info:
        _queue(engine, clean, settings, carol)
    assert (info.value.code, info.value.params["limit"]) == ("export_jobs_per_org", 3)
    _queue(engine, clean, settings, {"org_id": "org-b", "user_id": "alice"})
    _age(engine, clean, first, 0, status="running")
    with pytest.raises(TooManyRequests):
        _queue(engine, clean, settings, carol)       # running still counts
    _age(engine, clean, first, 0, status="done")
    _queue(engine, clean, settings, carol)
    with engine.connect() as conn:
        counted = conn.execute(sa.select(clean.jobs.c.user_id, sa.func.count()).where(
            clean.jobs.c.org_id == "org-a", clean.jobs.c.status == "queued").group_by(clean.jobs.c.user_id)).all()
    assert dict(counted) == {"alice": 1, "bob": 1, "carol": 1}


def test_concurrent_requests_cannot_both_take_the_last_place(engine, clean, settings):
    """Each request counts and queues under the organization's lock: of two racing for one place, one is refused."""
    alice = {"org_id": "org-a", "user_id": "alice"}
    _queue(engine, clean, settings, alice)
    barrier, outcomes = threading.Barrier(2), []

    def request():
        with Session(engine) as session, session.begin():
            barrier.wait(5)
            try:
                jobs.queue_job(session, clean, settings=settings, job_id=jobs.new_job_id("things"), actor=alice,
                               kind="export_things", params={})
                outcomes.append("queued")
            except TooManyRequests:
                outcomes.append("refused")
    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["queued", "refused"]


def test_a_check_refuses_a_job_with_its_reason_or_puts_it_back_in_the_queue(engine, clean, settings):
    """The check before a job runs (its owner's authority of now, issue 10 §1): a code fails the job with it and its
    work never runs; a broken check fails it without running it; ``LATER`` queues it again, behind another
    organization's job."""
    refused, broken = (_create(engine, clean, params={"name": n}) for n in ("refused", "broken"))
    waiting = _create(engine, clean, actor={"org_id": "org-b", "user_id": "bob"}, params={"name": "waiting"})
    ran = []
    answers = {refused: "export_authority_narrowed", waiting: jobs.LATER}

    def check(job):
        if job["id"] == broken:
            raise KeyError("principal")
        return answers[job["id"]]

    def work(session, params, path, report):
        ran.append(params["name"])
        return _file(session, params, path, report)
    for _ in range(3):
        assert jobs.run_next_job(engine, clean, work={"export_things": work}, settings=settings,
                                 failure="export_failed", check=check)
    assert ran == []
    assert (_row(engine, clean, refused)["status"], _row(engine, clean, refused)["error"]) == \
        ("failed", "export_authority_narrowed")
    assert (_row(engine, clean, broken)["status"], _row(engine, clean, broken)["error"]) == ("failed", "export_failed")
    assert _row(engine, clean, waiting)["status"] == "queued"
    answers[waiting] = None
    assert jobs.run_next_job(engine, clean, work={"export_things": work}, settings=settings, failure="boom",
                             check=check)
    assert ran == ["waiting"] and _row(engine, clean, waiting)["status"] == "done"


def test_a_job_past_its_time_limit_is_stopped_and_failed_with_a_reason(engine, clean, settings, tmp_path):
    """N-4: the job reports a batch after its limit: stopped there (no further batch, no file), failed as timed
    out. A statement running past the limit is cancelled by its statement timeout, the same failure."""
    short = jobs.ExportSettings(**{**settings.__dict__, "time_limit": timedelta(milliseconds=300)})
    slow, sleepy = _create(engine, clean), _create(engine, clean, kind="export_sleepy")
    batches = []

    def work(session, params, path, report):
        for batch in range(1, 1_000):
            batches.append(batch)
            session.execute(sa.text("SELECT pg_sleep(0.1)"))
            report(batch, 1_000)
        return _file(session, params, path, report)

    def sleepy_work(session, params, path, report):
        session.execute(sa.text("SELECT pg_sleep(5)"))
        return _file(session, params, path, report)

    for _ in range(2):
        assert jobs.run_next_job(engine, clean, work={"export_things": work, "export_sleepy": sleepy_work},
                                 settings=short, failure="export_failed", timed_out="export_timed_out")
    assert 2 <= len(batches) <= 5
    for job_id in (slow, sleepy):
        row = _row(engine, clean, job_id)
        assert (row["status"], row["error"], row["result_chunks"]) == ("failed", "export_timed_out", None)
    assert os.listdir(settings.work_dir) == []
