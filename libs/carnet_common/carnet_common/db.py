"""SQLAlchemy 2 for nameko: one engine per process and URL, one session per worker.

nameko-sqlalchemy does not support SQLAlchemy 2, hence this small provider. Services run under eventlet,
so ``PSYCOPG_WAIT_FUNC=wait_select`` must be in their environment (docs/stack-facts.md).
"""
import contextlib
import json
import threading
import weakref

import psycopg
from nameko.extensions import DependencyProvider
from psycopg import pq
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement, Executable
from sqlalchemy.sql.visitors import InternalTraversal

from carnet_common import config

_engines = {}
_lock = threading.Lock()

# Every session of a service: no JIT (its compilation cost 0.5 s on a 1 s filter at 1M contacts, more than it
# saved: our statements are indexed lookups, not analytics), and a statement timeout a little above the
# gateway's RPC timeout (10 s), so work nobody waits for any more stops instead of piling up (8 clients of a
# slow filter left 3-minute statements running, bench/results/contacts-2026-11-25-quiet.md). Background jobs
# that legitimately run longer lift it for their transaction with ``no_statement_timeout``.
STATEMENT_TIMEOUT_MS = 12_000


# And parallel query only when the database server has a core to spare: a Gather may start one worker
# (``max_parallel_workers_per_gather``), and only while no other parallel worker runs on the server
# (``max_parallel_workers``, which the session that launches workers compares with the server's running count). One
# client on an idle server gets the second core for its heaviest statements (a three-clause filter at 1M contacts);
# under load the Gathers run in their leaders alone, as without parallel query. Parallel query off for every session
# (cut 8) had made the one-client p95 of that filter worse (201.8 -> 220.4 ms), while workers started per query on 2
# busy cores had cost the 1M-contact searches 11-41 ms of CPU per request at 8 clients
# (bench/results/profile-2026-12-06.md, cut 8 and phase 3). DB_PARALLEL_WORKERS_PER_GATHER and DB_PARALLEL_WORKERS set
# them for a larger database server.
PARALLEL_WORKERS_PER_GATHER = 1
PARALLEL_WORKERS = 1


def session_options():
    timeout = config.env_int("DB_STATEMENT_TIMEOUT_MS", STATEMENT_TIMEOUT_MS)
    per_gather = config.env_int("DB_PARALLEL_WORKERS_PER_GATHER", PARALLEL_WORKERS_PER_GATHER)
    workers = config.env_int("DB_PARALLEL_WORKERS", PARALLEL_WORKERS)
    return (f"-c jit=off -c statement_timeout={timeout} -c max_parallel_workers_per_gather={per_gather} "
            f"-c max_parallel_workers={workers}")


def no_statement_timeout(session):
    """Lift the statement timeout for the current transaction of ``session`` (background jobs only)."""
    session.execute(text("SET LOCAL statement_timeout = 0"))


@contextlib.contextmanager
def background_transaction(engine):
    """A session in one transaction on a connection of ``engine``'s, without the statement timeout: work a service
    runs in an OS thread off its hub (a full duplicates scan), committed when the block ends, rolled back on error."""
    with Session(engine) as session, session.begin():
        no_statement_timeout(session)
        yield session


class StatementRefused(Exception):
    """The database refused a write of a ``savepoint`` block (a constraint it breaks); the savepoint is rolled back
    and the enclosing transaction goes on."""


@contextlib.contextmanager
def savepoint(session):
    """The block's writes in a savepoint of ``session``'s transaction: released when the block ends, rolled back if
    it raises, so one item's failure never aborts the others' (N-1: an import's rows, an automation's contacts). A
    refusal of the database itself comes out as ``StatementRefused``; an outage (``is_outage``) or any other
    exception as itself."""
    nested = session.begin_nested()
    try:
        yield
    except DBAPIError as exc:
        nested.rollback()
        if is_outage(exc):
            raise
        raise StatementRefused(str(exc.orig or exc)) from exc
    except BaseException:
        nested.rollback()
        raise
    nested.commit()


@contextlib.contextmanager
def autocommit_connection(engine):
    """A connection of ``engine``'s in autocommit (each statement its own transaction: a background loop's
    bookkeeping that must not hold locks between statements)."""
    with engine.connect() as connection:
        yield connection.execution_options(isolation_level="AUTOCOMMIT")


# nameko's default ``max_workers`` (nameko.constants.DEFAULT_MAX_WORKERS), for a container config without one.
DEFAULT_MAX_WORKERS = 10
# Connections beyond one per worker: a worker handling an event holds the inbox's session and may open its
# ``db`` one too. Overflow connections are closed when returned, so they must stay the exception.
POOL_OVERFLOW = 2


def get_engine(url=None, **options):
    """The process's engine for ``url``.

    The pool keeps one connection per nameko worker (``pool_size`` = ``max_workers``, see ``engine_for``): with
    fewer, every burst beyond the pool opened overflow connections that were closed on return and opened again
    at the next burst, a backend forked and authenticated each time (0.07 per get-by-id, ~1.9 ms of CPU per
    request on the box: bench/results/profile-2026-12-06.md, cut 1)."""
    url = config.sqlalchemy_url(url) if url else config.database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = new_engine(url, **options)
        return engine


def new_engine(url=None, **options):
    """An engine of its own for ``url`` (not the process's shared one: ``get_engine``), with the kit's session
    options and checkout check: for a background loop that must not take the workers' connections (the campaigns
    sender's pool, E-10). Its owner disposes of it."""
    url = config.sqlalchemy_url(url) if url else config.database_url()
    options.setdefault("pool_size", DEFAULT_MAX_WORKERS)
    options.setdefault("max_overflow", POOL_OVERFLOW)
    options.setdefault("pool_pre_ping", False)
    options.setdefault("pool_timeout", 10)
    options.setdefault("connect_args", {"options": session_options()})
    engine = create_engine(url, **options)
    event.listen(engine, "checkout", _replace_if_closed)
    return engine


def _replace_if_closed(dbapi_connection, _record, _proxy):
    """Checkout: a pooled connection the server has closed is replaced before anyone uses it.

    Instead of SQLAlchemy's pre-ping (a round trip per checkout: a request, a timer tick), read what the server
    sent on the idle connection without waiting (``PQconsumeInput``, one non-blocking ``recv``): a backend that
    was terminated (``pg_terminate_backend``, a restart, ``idle_session_timeout``) has sent its FATAL and closed
    the socket, so libpq marks the connection bad. ``DisconnectionError`` makes the pool discard it and check out
    another (a new one if need be), so the caller never sees the dead one. A peer that vanished without closing
    (a cut network) is not seen here, as a ping would hang on it too: the statement then fails, SQLAlchemy
    invalidates the pool's older connections, and the caller's error is the one of a database outage."""
    pgconn = dbapi_connection.pgconn
    try:
        # Twice: the first read may return only the FATAL message (libpq keeps it as a notice, the connection
        # still "OK"); the second then reads the end of the stream. On a live idle connection both find nothing.
        pgconn.consume_input()
        pgconn.consume_input()
    except psycopg.OperationalError as exc:
        raise DisconnectionError(str(exc)) from exc
    if pgconn.status != pq.ConnStatus.OK:
        raise DisconnectionError("the server closed the connection")


# SQLSTATEs of a server that is going away or not there yet: connection exceptions (class 08), and the shutdowns and
# start-up of class 57 (admin_shutdown, crash_shutdown, cannot_connect_now).
_OUTAGE_SQLSTATES = ("57P01", "57P02", "57P03")


def is_outage(exc):
    """Whether ``exc`` (SQLAlchemy's or psycopg's) says the database server is unreachable or went away: a restart
    that ended the session mid-statement, a refused connection, a pool that could not be refilled in time. Such a
    failure is the dependency's, not the request's: the caller answers it as unavailable (503, N-1), never as a bug
    (``carnet_common.entrypoints.rpc_method``). A statement the server refused (a constraint, a syntax error, the
    statement timeout) is not one."""
    if isinstance(exc, SATimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        exc = exc.orig
    if not isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return False
    sqlstate = getattr(exc, "sqlstate", None)
    if sqlstate is None:   # raised by libpq itself: no connection, or the socket closed under a statement
        return True
    return sqlstate.startswith("08") or sqlstate in _OUTAGE_SQLSTATES


def engine_for(container_config):
    """The engine of a nameko container: its ``DATABASE_URL``, a pool as large as its ``max_workers``."""
    workers = int(container_config.get("max_workers") or DEFAULT_MAX_WORKERS)
    return get_engine(container_config.get("DATABASE_URL") or None, pool_size=workers)


def dispose_engines():
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


class Database(DependencyProvider):
    """Injects a ``Session``; it is closed (rolled back unless committed) when the worker ends.

    The open sessions are kept by the provider, keyed by worker: never in the worker's context data, which nameko
    sends as message headers with every RPC and event the worker makes.

    An entrypoint declared ``read_only`` (``carnet_common.entrypoints.rpc_method(read_only=True)``) gets a session
    whose statements run outside any transaction (``AUTOCOMMIT``): no ``BEGIN`` before its first statement and no
    ``ROLLBACK`` at the end, two of the three round trips of a read that is one statement (issue 9 §3, cut 5).
    Each of its statements then sees its own snapshot: right for a read that is one statement, acceptable for a
    page read in a few (a row changed in between shows its newer state); anything that writes, or needs its reads
    consistent with each other, is not read-only. Its ``begin()`` raises, so a write there cannot go unnoticed."""

    def setup(self):
        self.engine = engine_for(self.container.config)
        self.reads_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.sessions = weakref.WeakKeyDictionary()

    def get_dependency(self, worker_ctx):
        if _read_only(worker_ctx):
            session = ReadOnlySession(self.reads_engine, expire_on_commit=False)
        else:
            session = Session(self.engine, expire_on_commit=False)
        self.sessions.setdefault(worker_ctx, []).append(session)
        return session

    def worker_teardown(self, worker_ctx):
        for session in self.sessions.pop(worker_ctx, []):
            session.close()


def _read_only(worker_ctx):
    """Whether the worker's entrypoint method was declared ``read_only`` (an attribute ``rpc_method`` sets)."""
    method = getattr(type(worker_ctx.service), worker_ctx.entrypoint.method_name, None)
    return bool(getattr(method, "carnet_read_only", False))


class ReadOnlySession(Session):
    """The session of a ``read_only`` entrypoint: statements outside a transaction, no transaction to begin."""

    def begin(self, nested=False):
        raise RuntimeError("a read_only entrypoint cannot begin a transaction: declare it without read_only")


def after_commit(session, callback):
    """Run ``callback()`` once the session's transaction has committed (never on rollback)."""
    event.listen(session, "after_commit", lambda _session: callback(), once=True)


class _Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON) <query>``, compiled and bound like the query itself (typed parameters included:
    a JSONB containment's dict, arrays), so the plan is the one the query would get.

    Its cache key is the query's (``_traverse_internals``), so SQLAlchemy compiles each shape of query once and
    binds each call's values into the cached form: with ``inherit_cache = False`` every search compiled its
    EXPLAIN anew (9 % of the contacts service's CPU on a search, issue 9 §3 cut 7)."""
    inherit_cache = True
    _traverse_internals = [("query", InternalTraversal.dp_clauseelement)]

    def __init__(self, query):
        self.query = query

    @property
    def _all_selected_columns(self):
        """None to match by name: the plan is read by position (SQLAlchemy asks on a cached compilation)."""
        return ()


@compiles(_Explain)
def _compile_explain(element, compiler, **kw):
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.query, **kw)


def planner_estimate(session, query):
    """The planner's row estimate for ``query`` (EXPLAIN without running it: well under a millisecond). Lists
    use it to choose between counting their hits exactly and walking an index to the page with an estimated
    total past a cap (contacts' search, opportunities' list)."""
    plan = session.execute(_Explain(query)).scalar()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
