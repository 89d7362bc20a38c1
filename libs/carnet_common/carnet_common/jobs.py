"""Background jobs of a service (N-4): the ``jobs`` and ``job_files`` tables of its schema, their queries, the
runner a timer of the service calls, and the read the gateway polls. No domain code: what a job does is a
``work`` function the service passes in (for now, exports to .xlsx: C-18, O-6), and whether its owner may still
have it done is a ``check`` the service passes in.

- A job is a row (``queued`` → ``running`` → ``done`` | ``failed``) with ``params`` holding what it needs to
  run (the actor as verified at the request, the query, what the caller may read, the language).
- Queued within caps (``queue_job``): a user and an organization hold at most ``per_user`` and ``per_org`` jobs
  queued or running; one more is a 429 with ``Retry-After`` naming the cap (issue 10 §2, OWASP API4: a user, or
  one organization's users together, cannot fill the queue every organization shares).
- Taken in turn per organization (``JobStore.claim``): the next job is that of the organization served least
  recently, so one organization's twenty queued exports delay another's by at most one of theirs.
- Any replica runs it: the claim locks its row ``FOR UPDATE SKIP LOCKED``, so replicas each take a different one,
  outside any RPC or AMQP delivery (RabbitMQ drops a delivery unacked for 30 min). A replica with
  ``EXPORT_JOBS_RUN=false`` serves the job RPCs but runs none (job work kept off the replicas that answer users).
- Checked when it runs (issue 10 §1, "stale authority"): the service's ``check`` asks identity for the owner's
  current principal; a job whose owner left or whose authority narrowed since the request fails with a reason,
  so it never exports more than its owner may see now.
- Limited in time: a job runs at most ``time_limit`` (statements included: its session's statement timeout is that
  limit), then it is stopped at its next batch and failed with ``timed_out``.
- Progress is committed per batch (its own transaction), which also proves the worker alive: a running job
  silent for ``stalled_after`` is marked failed by ``clean``.
- The finished file is stored in PostgreSQL (``job_files``, 1 MiB chunks) and streamed back chunk by chunk
  over RPC: it works with the gateway and the service in different pods, needs no shared volume, and is
  deleted with its job after ``result_ttl``.
- Only the job's owner (same organization and user) sees it; anyone else gets NotFound.
- A job speaks for its kind: every code it can fail or be refused with (``CODE_NAMES``) is its kind's, as the area
  that runs it names them (``job_codes`` on the area's entrypoints, gathered by ``JobRpc`` when the service class is
  defined: ``register_codes``); an automation run that is refused says so in the automation's words
  (``automation_authority_narrowed``), an import that is interrupted never speaks of an export. A kind that names no
  codes (the exports) keeps the export codes (``EXPORT_CODES``); a name its area left out is the neutral ``JOB_CODES``.
- A job may have no file (an automation run: its result is the automation's ``last_run``): its work returns no
  name, nothing is stored, and its read says ``filename`` null, so the gateway offers no download.
- A job id names the service that owns it (``opportunities:<uuid>``), so the gateway asks that service only.
- ``JobRpc`` is the entrypoints every service with jobs mixes in: read a job, read its file, run and clean. It runs a
  claimed job (its work, progress and file) in one OS thread of ``eventlet.tpool`` on connections of its own, so
  the work pulls its rows and writes its file without the hub (``thread_engine``).
"""
import base64
import functools
import logging
import os
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import psycopg
import sqlalchemy as sa
from eventlet import tpool
from eventlet.queue import Empty, Full, LightQueue
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider
from nameko.timer import timer
from psycopg import waiting
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from carnet_common import config, db
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_common.errors import Conflict, NotFound, ServiceUnavailable, TooManyRequests, Unauthorized
from carnet_common.rpc import RpcTimeout, ServiceRpc

log = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
STATUSES = ("queued", "running", "done", "failed")
UNFINISHED = ("queued", "running")
MAX_ID_LENGTH = 64
# What a client refused by a queue cap is told to wait: jobs usually finish within seconds to minutes, and its
# polls of the jobs it has say when one did.
QUEUE_FULL_RETRY_SECONDS = 30
# How long the runner waits for identity's answer about a job's owner before trying again at a later tick.
IDENTITY_TIMEOUT = 5
# What a ``check`` answers for a job it cannot decide on now (identity did not answer): queued again.
LATER = "later"
# Of the runner's 1 s tick, how long it waits for the doorbell (``queue_job`` rings it) before it ends and lets the
# next tick come: a job queued in this process starts at once instead of at the next tick (0-1 s, 0.5 s on average
# of a 100,000-row export's ~9 s: issue 9 §3).
DOORBELL_WAIT_S = 0.9

# Codes a job fails or is refused with, by name (see the module docstring): ``failure`` (its work raised),
# ``timed_out`` (past ``time_limit``), ``owner_gone`` and ``narrowed`` (its owner's authority of now, issue 10 §1),
# ``interrupted`` (its worker died: ``clean_jobs``), ``per_user`` and ``per_org`` (the queue caps, 429: ``queue_job``).
CODE_NAMES = ("failure", "timed_out", "owner_gone", "narrowed", "interrupted", "per_user", "per_org")
# The codes of a kind that names none: exports (C-18, O-6), whose messages and tests are these.
EXPORT_CODES = {"failure": "export_failed", "timed_out": "export_timed_out", "owner_gone": "export_owner_inactive",
                "narrowed": "export_authority_narrowed", "interrupted": "export_interrupted",
                "per_user": "export_jobs_per_user", "per_org": "export_jobs_per_org"}
# What a kind that names some codes gets for a name its area left out: a job, never "an export".
JOB_CODES = {"failure": "job_failed", "timed_out": "job_timed_out", "owner_gone": "job_owner_inactive",
             "narrowed": "job_authority_narrowed", "interrupted": "job_interrupted",
             "per_user": "jobs_per_user", "per_org": "jobs_per_org"}
# {kind: {name: code}}: the codes each kind's area named (``register_codes``).
_kind_codes = {}


def now():
    return datetime.now(timezone.utc)


def register_codes(codes_by_kind):
    """``{kind: {name: code}}``: the codes of these kinds from now on in this process (``JobRpc`` registers its
    areas' ``job_codes`` when the service class is defined, before any job is queued or run). A name not in
    ``CODE_NAMES`` is a bug of the area: ValueError."""
    for kind, codes in codes_by_kind.items():
        unknown = set(codes) - set(CODE_NAMES)
        if unknown:
            raise ValueError(f"job kind {kind}: unknown code names {sorted(unknown)}")
        _kind_codes[kind] = dict(codes)


def code_of(kind, name):
    """The code a job of ``kind`` fails or is refused with for ``name`` (one of ``CODE_NAMES``): its area's, else the
    neutral job code when its area named others, else the export code (a kind that names none is an export's)."""
    own = _kind_codes.get(kind)
    if own is None:
        return EXPORT_CODES[name]
    return own.get(name) or JOB_CODES[name]


# Ids -----------------------------------------------------------------------------------------------------

def new_job_id(owner):
    """``<owner>:<uuid>``: the gateway reads the owning service from the id (no lookup, one RPC)."""
    return f"{owner}:{uuid.uuid4()}"


def owner_of(job_id):
    """The service a job id names ("" for an id without one: no service owns it)."""
    owner, sep, _ = job_id.partition(":")
    return owner if sep else ""


def clean_job_id(value):
    """``value`` when it can be a job id, else "" (found nowhere: NotFound, never a 500)."""
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH else ""


# Tables --------------------------------------------------------------------------------------------------

def job_tables(metadata):
    """``(jobs, job_files)`` declared on a service's ``MetaData(schema=...)`` for its models; each service's migration
    writes the same shape out (contacts' 0003_jobs, opportunities' 0006_jobs; tests/contract compares them)."""
    jobs = sa.Table(
        "jobs", metadata,
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("progress", sa.Integer, nullable=False),
        sa.Column("params", JSONB, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("result_name", sa.Text),
        sa.Column("result_size", sa.BigInteger),
        sa.Column("result_chunks", sa.Integer),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="jobs_status"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="jobs_progress"),
        sa.Index("jobs_queued", "created_at", postgresql_where=sa.text("status = 'queued'")),
        sa.Index("jobs_owner", "org_id", "user_id"),
    )
    job_files = sa.Table(
        "job_files", metadata,
        sa.Column("job_id", sa.Text, sa.ForeignKey(jobs.c.id, ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    return jobs, job_files


# Settings ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportSettings:
    """Exports: up to ``sync_max_rows`` the file is the RPC's answer, above a job; results kept ``result_ttl``;
    a running job silent for ``stalled_after`` is failed; files are built in ``work_dir``. A job runs at most
    ``time_limit``; a user holds at most ``per_user`` jobs queued or running, an organization ``per_org``; a
    replica runs jobs only when ``run_here``."""
    sync_max_rows: int
    result_ttl: timedelta
    stalled_after: timedelta
    work_dir: str
    time_limit: timedelta = timedelta(minutes=30)
    per_user: int = 5
    per_org: int = 20
    run_here: bool = True

    @classmethod
    def from_env(cls):
        return cls(sync_max_rows=config.env_int("EXPORT_SYNC_MAX_ROWS", 5_000),
                   result_ttl=timedelta(seconds=config.env_int("EXPORT_RESULT_TTL_SECONDS", 86_400)),
                   stalled_after=timedelta(seconds=config.env_int("EXPORT_STALLED_SECONDS", 600)),
                   work_dir=os.environ.get("EXPORT_DIR") or tempfile.gettempdir(),
                   time_limit=timedelta(seconds=config.env_int("EXPORT_TIME_LIMIT_SECONDS", 1_800)),
                   per_user=config.env_int("EXPORT_JOBS_PER_USER", 5),
                   per_org=config.env_int("EXPORT_JOBS_PER_ORG", 20),
                   run_here=config.env_bool("EXPORT_JOBS_RUN", True))


class ExportSettingsProvider(DependencyProvider):
    """``ExportSettings`` read from the environment once, when the service starts."""

    def setup(self):
        self.settings = ExportSettings.from_env()
        os.makedirs(self.settings.work_dir, exist_ok=True)

    def get_dependency(self, worker_ctx):
        return self.settings


# Queries -------------------------------------------------------------------------------------------------

class JobStore:
    """The queries of one schema's ``jobs`` and ``job_files`` (the pair ``job_tables`` declared)."""

    def __init__(self, jobs, job_files):
        self.jobs, self.files = jobs, job_files

    def create(self, session, *, job_id, actor, kind, params):
        session.execute(self.jobs.insert().values(id=job_id, org_id=actor["org_id"], user_id=actor["user_id"],
                                                  kind=kind, status="queued", progress=0, params=params))
        return job_id

    def owned(self, session, *, job_id, org_id, user_id):
        """The job when it is the caller's own (same organization and user), else None."""
        jobs = self.jobs
        return session.execute(sa.select(jobs).where(jobs.c.id == job_id, jobs.c.org_id == org_id,
                                                     jobs.c.user_id == user_id)).mappings().first()

    def lock_owner(self, session, org_id):
        """Until the transaction ends, the organization's job requests are counted and queued one at a time (two at
        once cannot both pass a cap with one place left)."""
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(
            sa.func.hashtextextended(f"{self.jobs.fullname}:{org_id}", 0))))

    def unfinished(self, session, *, org_id, user_id):
        """``(the user's, the organization's)`` jobs queued or running."""
        jobs = self.jobs
        row = session.execute(sa.select(sa.func.count().filter(jobs.c.user_id == user_id), sa.func.count())
                              .where(jobs.c.org_id == org_id, jobs.c.status.in_(UNFINISHED))).one()
        return row[0], row[1]

    def claim(self, session, *, kinds):
        """The next queued job of ``kinds``, now running; locked so concurrent replicas each take another.

        Organizations take turns: a job's turn comes at the later of its creation and the last time its organization
        was served (the latest change of one of its jobs since it was queued: claimed, progressing, finished, or put
        back in the queue), the earliest turn first, then the oldest job. An organization with twenty jobs queued is
        served once, then waits behind every organization whose job was queued meanwhile; within one organization,
        oldest first."""
        jobs, kinds = self.jobs, list(kinds)
        served = (sa.select(jobs.c.org_id, sa.func.max(jobs.c.updated_at).label("at"))
                  .where(sa.or_(jobs.c.status != "queued", jobs.c.updated_at > jobs.c.created_at),
                         jobs.c.kind.in_(kinds)).group_by(jobs.c.org_id).subquery())
        turn = sa.func.greatest(served.c.at, jobs.c.created_at)   # greatest() passes over a NULL: never served
        row = session.execute(sa.select(jobs).outerjoin(served, served.c.org_id == jobs.c.org_id)
                              .where(jobs.c.status == "queued", jobs.c.kind.in_(kinds))
                              .order_by(turn, jobs.c.created_at).limit(1)
                              .with_for_update(of=jobs, skip_locked=True)).mappings().first()
        if row is not None:
            self.update(session, row["id"], status="running", progress=0)
        return row

    def update(self, session, job_id, **values):
        session.execute(self.jobs.update().where(self.jobs.c.id == job_id).values(**values, updated_at=now()))

    def store_file(self, session, job_id, *, path, filename, ttl):
        """The file at ``path`` in chunks, and the job done (its result kept ``ttl``). A work that named no file
        (``filename`` None: an automation run) has none: no chunk, no size, nothing to download."""
        if filename is None:
            self.update(session, job_id, status="done", progress=100, result_name=None, result_size=None,
                        result_chunks=0, expires_at=now() + ttl)
            return
        size, seq = os.path.getsize(path), 0
        with open(path, "rb") as file:
            while data := file.read(CHUNK_BYTES):
                session.execute(self.files.insert().values(job_id=job_id, seq=seq, data=data))
                seq += 1
        self.update(session, job_id, status="done", progress=100, result_name=filename, result_size=size,
                    result_chunks=seq, expires_at=now() + ttl)

    def chunk(self, session, *, job_id, seq):
        files = self.files
        return session.execute(sa.select(files.c.data).where(files.c.job_id == job_id, files.c.seq == seq)).scalar()

    def fail_stalled(self, session, *, at, stalled_after, error, ttl, errors_by_kind=None):
        """Running jobs silent for ``stalled_after`` (their worker died): failed, to be cleaned later, with
        ``errors_by_kind[kind]`` (``{kind: code}``), else ``error``."""
        jobs = self.jobs
        code = sa.case(errors_by_kind, value=jobs.c.kind, else_=error) if errors_by_kind else error
        return session.execute(jobs.update().where(jobs.c.status == "running", jobs.c.updated_at < at - stalled_after)
                               .values(status="failed", error=code, updated_at=at, expires_at=at + ttl)).rowcount

    def delete_expired(self, session, *, at):
        """Jobs past ``expires_at``, their chunks with them (``ON DELETE CASCADE``)."""
        return session.execute(self.jobs.delete().where(self.jobs.c.expires_at < at)).rowcount


# Queuing --------------------------------------------------------------------------------------------------

def queue_job(session, store, *, settings, job_id, actor, kind, params):
    """A new queued job of ``actor``'s, within the caps (N-4, issue 10 §2): a 429 naming the cap when the user
    already has ``settings.per_user`` jobs queued or running, or the organization ``settings.per_org``. 429, not
    409: nothing is wrong with the request nor in conflict with a resource; it can be sent again as it is once a
    job has finished, which ``Retry-After`` says, as the API's per-user cap does. The codes are ``kind``'s
    (``code_of``: ``export_jobs_per_user`` for an export, ``automation_jobs_per_user`` for an automation run); the
    caps count every kind together (one queue)."""
    store.lock_owner(session, actor["org_id"])
    mine, organization = store.unfinished(session, org_id=actor["org_id"], user_id=actor["user_id"])
    for code, count, cap in ((code_of(kind, "per_user"), mine, settings.per_user),
                             (code_of(kind, "per_org"), organization, settings.per_org)):
        if count >= cap:
            raise TooManyRequests(code, params={"limit": cap, "retry_after": QUEUE_FULL_RETRY_SECONDS})
    created = store.create(session, job_id=job_id, actor=actor, kind=kind, params=params)
    db.after_commit(session, lambda: ring_doorbell(store))
    return created


# The doorbells, one per jobs table: a job was queued in this process (its transaction committed), so this process's
# runner of that table need not wait for its next tick to claim it. One ring is enough however many jobs were queued:
# the runner claims one job per tick, and the next tick comes at once after a long one.
_doorbells = {}


def _doorbell(store):
    return _doorbells.setdefault(store.jobs.fullname, LightQueue(maxsize=1))


def ring_doorbell(store):
    try:
        _doorbell(store).put_nowait(True)
    except Full:
        pass


def run_or_wait(store, run_once, seconds):
    """``run_once()`` (claim and run a job of ``store``'s: whether there was one), and while it finds none, again
    each time ``store``'s doorbell rings, for at most ``seconds`` in all. Whether a job ran."""
    until = time.monotonic() + seconds
    while not run_once():
        remaining = until - time.monotonic()
        if remaining <= 0:
            return False
        try:
            _doorbell(store).get(timeout=remaining)
        except Empty:
            return False
    return True


# Reads (the job's owner only) ----------------------------------------------------------------------------

def job_read(row):
    return {"id": row["id"], "kind": row["kind"], "status": row["status"], "progress": row["progress"],
            "errors": [row["error"]] if row["error"] else [], "filename": row["result_name"],
            "size": row["result_size"], "chunks": row["result_chunks"] or 0,
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


def get_job(session, store, *, actor, job_id):
    """The caller's own job; anyone else's (another user, another organization) is NotFound."""
    row = store.owned(session, job_id=job_id, org_id=actor["org_id"], user_id=actor["user_id"])
    if row is None:
        raise NotFound()
    return job_read(row)


def read_job_chunk(session, store, *, actor, job_id, seq):
    """Chunk ``seq`` (base64) of the file of the caller's finished job; 409 until it is done."""
    job = get_job(session, store, actor=actor, job_id=job_id)
    if job["status"] != "done":
        raise Conflict("job_not_ready")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < job["chunks"]:
        raise NotFound()
    data = store.chunk(session, job_id=job_id, seq=seq)
    if data is None:
        raise NotFound()
    return {"data": base64.b64encode(data).decode("ascii")}


# Running -------------------------------------------------------------------------------------------------

def small_file(settings, write):
    """The bytes ``write(path)`` puts in a temporary ``.xlsx`` of ``settings.work_dir`` (an export small enough
    to be the RPC's answer, C-18); the file is removed even when ``write`` fails."""
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=settings.work_dir)
    os.close(fd)
    try:
        write(path)
        with open(path, "rb") as file:
            return file.read()
    finally:
        os.unlink(path)


class TimedOut(Exception):
    """The job ran past its time limit (``ExportSettings.time_limit``)."""


def run_next_job(engine, store, *, work, settings, failure, timed_out=None, check=None, offload=None,
                 work_engine=None):
    """Claim one queued job of a kind in ``work`` and run it to the end; False when none was queued.

    ``check(job)``, when given, decides first whether the job may run now: None runs it, ``LATER`` queues it again
    (its answer was not available: identity silent), any other value is the code the job fails with (its owner
    left, or their authority narrowed since the request). ``work[kind](session, params, path, report)`` writes the
    job's file at ``path`` and returns its name (None: the job has no file); it calls ``report(done, total)`` after
    each batch. It runs for at most ``settings.time_limit``: each statement of its session is bounded by it (the
    request's statement timeout does not apply: a 200,000-row export reads for longer than a request may), and
    ``report`` stops the work past it; the job then fails with ``timed_out``. The claimed job (its work, progress
    and file) runs in ``offload(fn)`` on ``work_engine`` when given (the service: an OS thread, see
    ``JobRpc.run_jobs``), else here on ``engine``.
    Any other exception fails the job with the code ``failure``.
    """
    with Session(engine) as session, session.begin():
        job = store.claim(session, kinds=work)
    if job is None:
        return False
    # A service's areas may fail their kinds with codes of their own (imports' ``import_failed``).
    failure = failure(job) if callable(failure) else failure
    timed_out = timed_out(job) if callable(timed_out) else timed_out
    try:
        refusal = check(job) if check is not None else None
    except Exception:  # noqa: BLE001 - a check that breaks is a bug: the job is not run unchecked
        log.exception("job %s (%s) could not be checked", job["id"], job["kind"])
        refusal = failure
    if refusal is not None:
        _refused(engine, store, job, refusal, settings)
        return True
    fd, path = tempfile.mkstemp(suffix=".tmp", dir=settings.work_dir)
    os.close(fd)
    try:
        (offload or _here)(_build, work_engine or engine, store, job, work[job["kind"]], settings, path)
    except Exception as exc:  # noqa: BLE001 - any failure is the job's, recorded for its owner
        if _timed_out(exc):
            log.warning("job %s (%s) stopped after its time limit of %s", job["id"], job["kind"], settings.time_limit)
            error = timed_out or failure
        else:
            log.exception("job %s (%s) failed", job["id"], job["kind"])
            error = failure
        _fail(engine, store, job["id"], error, settings)
    finally:
        os.unlink(path)
    return True


def _refused(engine, store, job, refusal, settings):
    if refusal == LATER:
        with Session(engine) as session, session.begin():
            store.update(session, job["id"], status="queued")
        return
    log.info("job %s (%s) of user %s refused when it was to run: %s", job["id"], job["kind"], job["user_id"], refusal)
    _fail(engine, store, job["id"], refusal, settings)


def _fail(engine, store, job_id, error, settings):
    with Session(engine) as session, session.begin():
        store.update(session, job_id, status="failed", error=error, expires_at=now() + settings.result_ttl)


def _timed_out(exc):
    """The job's own limit ended it: ``report`` past the deadline, or a statement past its statement timeout."""
    return isinstance(exc, TimedOut) or isinstance(getattr(exc, "orig", None), psycopg.errors.QueryCanceled)


def _here(fn, *args):
    return fn(*args)


def _build(engine, store, job, work, settings, path):
    """The job's file at ``path`` by ``work``, with its progress, then stored: the job done (without a file when
    ``work`` returns no name).

    The bookkeeping (each progress commit, then the file) runs on one connection opened for the job, beside the
    work's own: the service's work engine has no pool (``thread_engine``), and a connection per progress commit
    forked and authenticated a backend per batch (20 for 100,000 rows, 0.27 s of a job: issue 9 §3). Progress is
    committed without waiting for the WAL's flush (lost in a crash, it is only a percentage); the file and the job
    done are committed durably."""
    seconds = settings.time_limit.total_seconds()
    deadline = time.monotonic() + seconds
    with engine.connect() as bookkeeping:
        with bookkeeping.begin():   # a progress commit lost in a crash is harmless: no wait for the WAL's flush
            bookkeeping.execute(sa.text("SET synchronous_commit = off"))
        with Session(engine) as session:
            session.execute(sa.text(f"SET LOCAL statement_timeout = {max(int(seconds * 1000), 1)}"))
            filename = work(session, job["params"], path, _reporter(bookkeeping, store, job["id"], deadline))
        with bookkeeping.begin():   # the file and "done" are durable before anyone is told
            bookkeeping.execute(sa.text("SET LOCAL synchronous_commit = on"))
            store.store_file(bookkeeping, job["id"], path=path, filename=filename, ttl=settings.result_ttl)


def _reporter(connection, store, job_id, deadline):
    """``report(done, total)``: the job's progress, committed at once on ``connection`` (0–99 until the file is
    stored); past ``deadline`` (``time.monotonic()``), ``TimedOut`` instead, which stops the work."""
    def report(done, total):
        if time.monotonic() > deadline:
            raise TimedOut()
        with connection.begin():
            store.update(connection, job_id, progress=min(99, done * 100 // max(total, 1)))
    return report


def clean_jobs(session, store, *, settings, interrupted, interrupted_by_kind=None):
    """Expired results go (their chunks with them); jobs whose worker died are failed with their kind's code in
    ``interrupted_by_kind`` (``{kind: code}``), else ``interrupted``."""
    at = now()
    stalled = store.fail_stalled(session, at=at, stalled_after=settings.stalled_after, error=interrupted,
                                 ttl=settings.result_ttl, errors_by_kind=interrupted_by_kind)
    return {"stalled": stalled, "deleted": store.delete_expired(session, at=at)}


class _ThreadConnection(psycopg.Connection):
    """A connection that waits for the server in C with the GIL released (psycopg's ``wait_c``), whatever
    ``PSYCOPG_WAIT_FUNC`` says: the service's connections wait green, on the hub of the thread that uses them; an OS
    thread of ``tpool`` has no hub worth waiting on (its connecting, once, still goes through psycopg's own wait)."""

    def wait(self, gen, interval=0.1, timeout=None):
        return waiting.wait_c(gen, self.pgconn.socket, interval=interval, timeout=timeout)


_thread_engines = {}


def thread_engine(engine):
    """An engine to the database of ``engine`` for work done in an OS thread: connections opened for it and closed
    after it (no pool, so no lock shared with the hub's greenlets), with the service's session settings, each
    waiting without the hub (``_ThreadConnection``). One per URL and process."""
    url = engine.url
    found = _thread_engines.get(url)
    if found is None:
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        found = _thread_engines.setdefault(url, sa.create_engine(
            url, poolclass=NullPool,
            creator=functools.partial(_ThreadConnection.connect, conninfo, options=db.session_options())))
    return found


# Entrypoints -----------------------------------------------------------------------------------------------

class JobRpc:
    """Mixed into a service with background jobs (which provides ``db``): reading a job and its file (the job's
    owner only), and the timers that run the queued ones and clean the finished ones. The service sets:

    - ``job_store``: the ``JobStore`` of its schema's tables;
    - ``job_work``: ``{kind: work}``, each ``work(session, params, path, report)`` as ``run_next_job`` calls it,
      in an OS thread of ``eventlet.tpool`` on connections of its own (``thread_engine``): CPU-bound reading and
      writing do not stop the hub, and AMQP heartbeats and other workers are served meanwhile;
    - ``job_actor``: the contract of the actor its RPCs receive;
    - ``job_checks``: ``{kind: check(principal=, params=)}``: what of the authority the job was queued with (its
      ``params``) the owner's current ``principal`` no longer grants, as names for the log ([] when none: it runs);
      or, for a check that needs more (a proxy), the service's own ``job_authority_lost(principal, job)``.

    Before a job runs, its owner's current principal is asked of identity (``job_identity``, the same
    ``get_principal`` the gateway authorizes requests with): an owner who is no longer an active user of the job's
    organization, or whose authority narrowed, gets the job failed with its kind's ``owner_gone`` or ``narrowed``
    code (issue 10 §1: the authority is checked when the work runs, not only when it is asked for). Failing rather
    than running with the narrower authority: a file with fewer rows or columns than was asked for would pass for the
    whole export; the reason tells its owner to ask again, and the new request gets their authority of now.

    Each area mixed into the service declares ``job_work`` and ``job_checks`` for its own kinds, and may declare
    ``job_codes`` (``{kind: {name: code}}``, names of
    ``CODE_NAMES``: what its jobs fail or are refused with, in its own words) and ``job_reads`` (``{kind: read(session,
    job)}``: what its jobs add to their read). Every area's are gathered when the service class is defined
    (``__init_subclass__``: an attribute looked up on the service would find the first area's only) and the codes
    registered (``register_codes``), so ``queue_job`` in a use case names the caps in the kind's words too.
    """

    export_settings = ExportSettingsProvider()
    job_identity = ServiceRpc("identity", timeout=IDENTITY_TIMEOUT)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        gathered = {name: {} for name in ("job_work", "job_checks", "job_codes", "job_reads")}
        for klass in reversed(cls.__mro__):
            for name, merged in gathered.items():
                merged.update(vars(klass).get(name) or {})
        cls.job_work, cls.job_checks = gathered["job_work"], gathered["job_checks"]
        cls.job_kind_codes, cls.job_kind_reads = gathered["job_codes"], gathered["job_reads"]
        register_codes(gathered["job_codes"])

    def job_authority_lost(self, principal, job):
        """What the owner's ``principal`` of now no longer grants of a queued job (its kind's ``job_checks``)."""
        return self.job_checks[job["kind"]](principal=principal, params=job["params"])

    @rpc_method
    def get_job(self, actor, job_id):
        """N-4: the caller's own job (404 for anyone else's), with what its kind's area adds to it (``job_reads``:
        ``{kind: read(session, job)}``, e.g. an import's counts and first row errors)."""
        job = get_job(self.db, self.job_store, actor=load_or_raise(self.job_actor(), actor),
                      job_id=clean_job_id(job_id))
        read = self.job_kind_reads.get(job["kind"])
        return {**job, **read(self.db, job)} if read is not None else job

    def _job_code(self, job, name):
        """The code ``name`` (of ``CODE_NAMES``) a job of this kind fails with (``code_of``): its area's (imports'
        ``import_failed``, automations' ``automation_authority_narrowed``), else the export code."""
        return code_of(job["kind"], name)

    @rpc_method
    def read_job_chunk(self, actor, job_id, seq):
        """Chunk ``seq`` of the caller's finished job's file (409 until it is done)."""
        return read_job_chunk(self.db, self.job_store, actor=load_or_raise(self.job_actor(), actor),
                              job_id=clean_job_id(job_id), seq=seq)

    @timer(interval=1)
    def run_jobs(self):
        """One queued job per tick, claimed here, checked against its owner's authority of now and run in an OS
        thread; nameko waits for this worker before the next tick. Between ticks it waits for the doorbell
        (``run_or_wait``), so a job queued by this process starts at once; one queued by another replica waits for
        a tick. Not on a replica told not to run jobs."""
        if not self.export_settings.run_here:
            return
        engine = self.db.get_bind()
        run_or_wait(self.job_store, lambda: run_next_job(
            engine, self.job_store, work=self.job_work, settings=self.export_settings,
            failure=lambda job: self._job_code(job, "failure"), timed_out=lambda job: self._job_code(job, "timed_out"),
            check=self._owner_may_still, offload=tpool.execute,
            work_engine=thread_engine(engine)), DOORBELL_WAIT_S)

    def _owner_may_still(self, job):
        """None when the job's owner may still have it done as it was asked; ``LATER`` when identity cannot say now;
        else the code it fails with."""
        try:
            principal = self.job_identity.get_principal(job["user_id"])
            if (principal.get("organization") or {}).get("id") != job["org_id"]:
                return self._job_code(job, "owner_gone")
            lost = self.job_authority_lost(principal, job)
        except Unauthorized:     # deleted or deactivated (S-1)
            return self._job_code(job, "owner_gone")
        except (RpcTimeout, UnknownService, ServiceUnavailable) as exc:
            log.warning("job %s waits: its owner's authority cannot be checked now (%s)", job["id"], exc)
            return LATER
        if lost:
            log.info("job %s: its owner no longer has %s", job["id"], ", ".join(lost))
            return self._job_code(job, "narrowed")
        return None

    @timer(interval=300)
    def clean_expired_jobs(self):
        with self.db.begin():
            clean_jobs(self.db, self.job_store, settings=self.export_settings, interrupted=EXPORT_CODES["interrupted"],
                       interrupted_by_kind={kind: code_of(kind, "interrupted") for kind in self.job_kind_codes})
