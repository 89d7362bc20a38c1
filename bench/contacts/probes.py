"""Memory of the processes of an export (``/proc/<pid>/status``) and EXPLAIN of the service's own SQL."""
import threading
import time

import psycopg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem")


def _status(pid):
    values = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in FIELDS:
                    values[key] = int(rest.split()[0]) / 1024  # MiB
    except OSError:
        return None
    return values


def _children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


class RssSampler:
    """Samples every ``interval`` s: the stack's processes (gateway master and workers, each service) and
    the PostgreSQL backends connected to the bench database. Keeps the peak of each field per process."""

    def __init__(self, stack, database_admin_url, database, interval=0.2):
        self.stack, self.interval = stack, interval
        self.admin_url, self.database = database_admin_url, database
        self.peaks = {}
        self._stop = threading.Event()

    def _pids(self, conn):
        found = {}
        for process in self.stack.processes:
            if process.poll() is None:
                found[process.pid] = process.carnet_name
                if process.carnet_name == "gateway":
                    for child in _children(process.pid):
                        found[child] = "gateway worker"
        for pid, name in conn.execute("SELECT pid, coalesce(nullif(application_name, ''), backend_type) "
                                      "FROM pg_stat_activity WHERE datname = %s", (self.database,)):
            found[pid] = f"postgres backend ({name})"
        return found

    def _loop(self):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            while not self._stop.is_set():
                for pid, name in self._pids(conn).items():
                    values = _status(pid)
                    if not values:
                        continue
                    peak = self.peaks.setdefault(pid, {"pid": pid, "name": name, "samples": 0})
                    peak["samples"] += 1
                    for key, value in values.items():
                        peak[key] = round(max(peak.get(key, 0), value), 1)
                time.sleep(self.interval)

    def __enter__(self):
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()

    def result(self):
        return sorted(self.peaks.values(), key=lambda p: -p.get("VmHWM", 0))


class StatementLog:
    """Every statement (and its parameters) an engine runs while active."""

    def __init__(self, engine):
        self.engine, self.statements, self.active = engine, [], False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.statements.append((statement, parameters))


def explain_case(engine, log, call):
    """Run ``call(session)`` (rolled back), then EXPLAIN (ANALYZE, BUFFERS) every SELECT it issued, with the
    same parameters. The service's own planner-estimate statement (``EXPLAIN (FORMAT JSON) …``) is shown
    as a plain EXPLAIN: the service never executes it."""
    log.statements.clear()
    log.active = True
    with Session(engine) as session:
        t0 = time.perf_counter()
        result = call(session)
        in_process_ms = round((time.perf_counter() - t0) * 1000, 1)
        session.rollback()
    log.active = False
    plans = []
    with engine.connect() as conn:
        for statement, parameters in list(log.statements):
            text = statement.strip()
            if text.upper().startswith("EXPLAIN"):
                inner = text.split(")", 1)[1].strip()
                rows = conn.exec_driver_sql("EXPLAIN " + inner, parameters).scalars().all()
                plans.append({"sql": inner, "params": _jsonable(parameters), "analyzed": False, "plan": rows})
                continue
            if not text.upper().startswith(("SELECT", "WITH")):
                continue
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + text, parameters).scalars().all()
            execution = next((r for r in rows if r.startswith("Execution Time")), "")
            plans.append({"sql": text, "params": _jsonable(parameters), "analyzed": True, "plan": rows,
                          "execution_ms": float(execution.split(":")[1].split()[0]) if execution else None})
        conn.rollback()
    return {"in_process_ms": in_process_ms, "statements": plans, "result_total": _total(result)}


def _total(result):
    if isinstance(result, dict):
        return {k: result.get(k) for k in ("total", "total_capped") if k in result} or None
    return None


def _jsonable(parameters):
    if isinstance(parameters, dict):
        return {k: (v if isinstance(v, (str, int, float, bool, type(None))) else str(v))
                for k, v in parameters.items()}
    return str(parameters)


def make_engine(database_url):
    return sa.create_engine(database_url, pool_pre_ping=False)
