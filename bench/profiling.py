"""py-spy profiles: the gateway workers during ``GET /me`` (bench/run.py ``--profile``), and any process of
the stack during any load (bench/cpu ``--profile``: gateway workers, contacts, identity).

py-spy (``pip install py-spy``; not a project dependency) records collapsed stacks, on-CPU samples only (a
thread blocked on a socket, or an eventlet hub waiting in epoll, is idle and not sampled). The summary gives
the share of samples per library or area of the code (each sample counted once, to the innermost frame
that belongs to a known library: the socket write under redis-py counts as redis-py, json under Flask as
json), the share of samples with a given frame anywhere on the stack (inclusive: "how much would go if
this call went"), and the hottest functions, self and inclusive. SQLAlchemy is split by what it was doing:
compiling a statement, computing its cache key, building it, executing it, or making rows. The profiled
load is not the measured one: sampling costs the processes a little time.
"""
import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import sysinfo

SQLALCHEMY = "SQLAlchemy"
# Components: a sample goes to the innermost frame whose file belongs to one of these (paths are matched
# after site-packages/ or the stdlib directory, so "json/" is the stdlib's json and "kombu/utils/json.py"
# is kombu).
COMPONENTS = [
    ("redis-py (socket send/recv + RESP parsing)", ("redis/",)),
    ("psycopg (driver: send/recv, adapt, rows)", ("psycopg/", "psycopg_binary/")),
    (SQLALCHEMY, ("sqlalchemy/",)),
    ("marshmallow", ("marshmallow/",)),
    ("prometheus_client", ("prometheus_client/",)),
    ("json (stdlib)", ("json/",)),
    ("logging (stdlib)", ("logging/",)),
    ("uuid", ("uuid.py",)),
    ("kombu (messaging)", ("kombu/",)),
    ("amqp (AMQP 0-9-1 frames, socket)", ("amqp/",)),
    ("nameko (containers, RPC, dependency providers)", ("nameko/",)),
    ("eventlet / greenlet (hub, green sockets)", ("eventlet/", "greenlet/")),
    ("carnet_common (the kit)", ("carnet_common/",)),
    ("carnet_custom_fields", ("carnet_custom_fields/",)),
    ("carnet_contacts own code", ("carnet_contacts/",)),
    ("carnet_identity own code", ("carnet_identity/",)),
    ("carnet_opportunities own code", ("carnet_opportunities/",)),
    ("carnet_gateway own code", ("carnet_gateway/",)),
    ("blinker (Flask signals)", ("blinker/",)),
    ("flask", ("flask/",)),
    ("werkzeug", ("werkzeug/",)),
    ("gunicorn (parse request, write response, keep-alive poller)", ("gunicorn/",)),
]
# SQLAlchemy's samples, by what its stack shows (first match wins).
SQLALCHEMY_PARTS = [
    ("SQLAlchemy: compile (SQLCompiler)", ("sqlalchemy/sql/compiler.py",)),
    ("SQLAlchemy: cache key (statement cache lookup)", ("sqlalchemy/sql/cache_key.py", "sqlalchemy/sql/traversals.py")),
    ("SQLAlchemy: rows (result, row processing)", ("sqlalchemy/engine/result.py", "sqlalchemy/engine/cursor.py",
                                                   "sqlalchemy/engine/row.py", "sqlalchemy/engine/_py_row.py")),
    ("SQLAlchemy: ORM session / unit of work", ("sqlalchemy/orm/",)),
    ("SQLAlchemy: execute (engine, connection, pool)", ("sqlalchemy/engine/", "sqlalchemy/pool/")),
    ("SQLAlchemy: statement construction (select(), where …)", ("sqlalchemy/sql/",)),
]
# Inclusive: share of samples with such a frame anywhere in the stack (needles are "function (path" fragments).
INCLUSIVE = [
    ("auth.authenticate (Redis session + principal)", "authenticate (carnet_gateway/auth.py"),
    ("gateway RPC call (ClusterRpcProxy round trip)", "RpcClient.call (carnet_gateway/rpc.py"),
    ("marshmallow Schema.dump", "Schema.dump (marshmallow/"),
    ("marshmallow Schema.load", "Schema.load (marshmallow/"),
    ("marshmallow Schema.__init__ (schema instances built per call)", "Schema.__init__ (marshmallow/"),
    ("gunicorn Response.write / send_headers (socket writes)", "(gunicorn/http/wsgi.py"),
    ("Flask.full_dispatch_request", "Flask.full_dispatch_request (flask/"),
    ("Flask/Werkzeug request context push/pop", "RequestContext.p"),
    ("app before/after_request hooks (request id, metrics, headers)", "(carnet_gateway/app.py"),
    ("nameko: RPC consumer (message in, worker spawned)", "(nameko/rpc.py"),
    ("nameko: worker (dependency hooks, entrypoint call)", "ServiceContainer._run_worker (nameko/containers.py"),
    ("carnet rpc_method wrapper (the entrypoint and all below it)", "wrapper (carnet_common/entrypoints.py"),
    ("SQLAlchemy Session.execute (compile + execute + driver)", "Session.execute (sqlalchemy/orm/session.py"),
    ("SQLAlchemy compile (SQLCompiler)", "(sqlalchemy/sql/compiler.py"),
    ("SQLAlchemy cache key", "(sqlalchemy/sql/cache_key.py"),
    ("psycopg Cursor.execute", "Cursor.execute (psycopg/cursor.py"),
    ("kombu publish (reply, events)", "Producer.publish (kombu/messaging.py"),
    ("kombu/amqp drain events (reading frames)", "drain_events (amqp/"),
    ("outbox relay timer (carnet_common.outbox)", "(carnet_common/outbox.py"),
    ("Database provider (carnet_common.db: session per worker)", "(carnet_common/db.py"),
    ("Metrics provider (carnet_common.metrics)", "(carnet_common/metrics.py"),
    ("RequestContext / logs (carnet_common.context, logs)", "(carnet_common/context.py"),
    ("logging (any)", "(logging/"),
    ("json (stdlib, any)", "(json/"),
    ("kombu JSON (de)serialisation", "(kombu/utils/json.py"),
    ("prometheus_client (any)", "(prometheus_client/"),
]


class NullWindow:
    def start(self):
        pass

    def end(self):
        pass


def find_py_spy():
    found = os.environ.get("PY_SPY") or shutil.which("py-spy")
    return found if found and os.access(found, os.X_OK) else None


def _worker_pids(stack):
    table = sysinfo._processes()
    masters = [p.pid for p in stack.processes if p.carnet_name == "gateway" and p.poll() is None]
    return sorted(pid for pid, (_, ppid, *_) in table.items() if ppid in masters)


def profile_me(py_spy, args, generator, stack, data, *, out, load, window):
    workers = _worker_pids(stack)
    result, recorded = record(py_spy, {"gateway": workers}, duration=max(1, round(args.duration)), out=out,
                              load=lambda: load(window))
    summary = summarise(recorded["gateway"]["stacks"])
    summary["load_during_profile"] = {"rps": result["rps"], "latency_ms": result["latency_ms"]}
    summary["workers"] = workers
    summary["files"] = recorded["gateway"]["files"]
    return summary


def record(py_spy, targets, *, duration, out, load, rate=250, label="", nonblocking=True):
    """py-spy on every pid of ``targets`` (``{name: [pid, …]}``) while ``load()`` runs for about ``duration`` s.
    Returns ``(load's result, {name: {"stacks": Counter, "files": [...], "pids": [...]}})``.

    ``nonblocking``: read the process without pausing it (cheaper, but py-spy then takes threads waiting in
    the eventlet hub or a socket for running ones: on the services it counted twice the samples their CPU
    time was worth); blocking mode pauses the process per sample and tells idle threads apart."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    recorders = []
    for name, pids in targets.items():
        for pid in pids:
            path = out / f"{label}{name}-{pid}.collapsed.txt"
            recorders.append((name, pid, path, subprocess.Popen(
                [py_spy, "record", "--pid", str(pid), "--duration", str(duration + 2), "--rate", str(rate),
                 "--format", "raw", "--output", str(path)] + (["--nonblocking"] if nonblocking else []),
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)))
    time.sleep(1.5)
    result = load()
    recorded = {name: {"stacks": Counter(), "files": [], "pids": list(pids)} for name, pids in targets.items()}
    for name, pid, path, recorder in recorders:
        _, err = recorder.communicate(timeout=duration + 60)
        if recorder.returncode != 0 or not path.exists():
            raise RuntimeError(f"py-spy failed on {name} ({pid}): {err}")
        recorded[name]["stacks"].update(_read_collapsed(path))
        recorded[name]["files"].append(str(path))
    return result, recorded


def _read_collapsed(path):
    stacks = Counter()
    for line in Path(path).read_text().splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            stacks[frames] += int(count)
    return stacks


def _function(frame):
    # py-spy raw frames look like "function (path/to/file.py:123)"; drop the line number.
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    return f"{name} ({where.rsplit('/site-packages/', 1)[-1].rsplit('/work/main/', 1)[-1]})"


def _path(frame):
    return frame.partition(" (")[2].rstrip(")").rsplit(":", 1)[0]


def _component(code):
    for frame in reversed(code):
        path = _path(frame)
        found = next((label for label, needles in COMPONENTS
                      if any(path.startswith(n) or f"/{n}" in path for n in needles)), None)
        if found == SQLALCHEMY:
            paths = [_path(f) for f in code]
            return next((label for label, needles in SQLALCHEMY_PARTS
                         if any(n in p for p in paths for n in needles)), "SQLAlchemy: other")
        if found:
            return found
    return "stdlib only (threads, selectors, socket, ssl …)"


# Innermost frames of a thread that waits (a gthread worker's idle thread, a blocking read of the RPC reply or of
# Redis's answer, the eventlet hub in epoll): py-spy's idle detection misses them here, so they are set apart.
WAITING = ("_worker (concurrent/futures/thread.py", "TCPTransport._read (amqp/transport.py",
           "EpollSelector.select (selectors.py", "PollSelector.select (selectors.py", "Condition.wait (threading.py",
           "Event.wait (threading.py", "Hub.do_poll (eventlet/hubs/", "Hub.wait (eventlet/hubs/",
           "SocketBuffer._read_from_socket (redis/", "_read_from_socket (redis/")


def summarise(stacks, top=15):
    """Shares of the samples that were not waiting (see WAITING; their count is ``waiting_samples``)."""
    waiting = 0
    active = Counter()
    for stack, count in stacks.items():
        code = [f for f in stack.split(";") if " (" in f]
        if code and _short(code[-1]).startswith(WAITING):
            waiting += count
        else:
            active[stack] += count
    total = sum(active.values()) or 1
    self_time, inclusive, components, areas = Counter(), Counter(), Counter(), Counter()
    for stack, count in active.items():
        # py-spy may prefix the stack with process/thread names; code frames look like "fn (file.py:12)".
        code = [f for f in stack.split(";") if " (" in f]
        if not code:
            continue
        self_time[_function(code[-1])] += count
        for function in {_function(f) for f in code}:
            inclusive[function] += count
        components[_component(code)] += count
        for label, needle in INCLUSIVE:
            if any(needle in _short(frame) for frame in code):
                areas[label] += count

    def pct(counter, n=None):
        return [{"what": k, "pct": round(100 * v / total, 1)} for k, v in counter.most_common(n)]

    return {"samples": total, "waiting_samples": waiting, "components_self": pct(components), "areas_inclusive": pct(areas),
            "top_self": pct(self_time, top), "top_inclusive": pct(inclusive, 30)}


def _short(frame):
    """``function (package/module.py:12)``: the frame with its path cut after site-packages/ or the stdlib."""
    name, _, where = frame.partition(" (")
    return f"{name} ({_relative(where)}"


def _relative(path):
    for marker in ("/site-packages/", "/work/main/", "/lib/python3.11/"):
        if marker in path:
            return path.rsplit(marker, 1)[-1]
    return path
