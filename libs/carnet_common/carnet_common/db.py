"""SQLAlchemy 2 for nameko: one engine per process and URL, one session per worker.

nameko-sqlalchemy does not support SQLAlchemy 2, hence this small provider. Services run under eventlet,
so ``PSYCOPG_WAIT_FUNC=wait_select`` must be in their environment (see ``carnet_common.green``).
"""
import threading

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from carnet_common import config

_engines = {}
_lock = threading.Lock()


def get_engine(url=None, **options):
    """The process's engine for ``url``; a pool of about 2 × cores (research/perf-limits.md §5.9)."""
    url = config.sqlalchemy_url(url) if url else config.database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            options.setdefault("pool_size", 4)
            options.setdefault("max_overflow", 6)
            options.setdefault("pool_pre_ping", True)
            options.setdefault("pool_timeout", 10)
            engine = _engines[url] = create_engine(url, **options)
        return engine


def dispose_engines():
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


class Database(DependencyProvider):
    """Injects a ``Session``; it is closed (rolled back unless committed) when the worker ends."""

    def setup(self):
        self.engine = get_engine(self.container.config.get("DATABASE_URL") or None)

    def get_dependency(self, worker_ctx):
        session = Session(self.engine, expire_on_commit=False)
        worker_ctx.data.setdefault("_carnet_sessions", []).append(session)
        return session

    def worker_teardown(self, worker_ctx):
        for session in worker_ctx.data.pop("_carnet_sessions", []):
            session.close()


def after_commit(session, callback):
    """Run ``callback()`` once the session's transaction has committed (never on rollback)."""
    from sqlalchemy import event
    event.listen(session, "after_commit", lambda _session: callback(), once=True)
