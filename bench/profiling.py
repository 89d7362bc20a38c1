"""``--profile``: sample the gateway workers with py-spy during one extra ``GET /me`` load.

py-spy (``pip install py-spy``; not a project dependency) records collapsed stacks of every gunicorn
worker, on-CPU samples only (a thread blocked on a socket is idle and not sampled). The summary gives the
share of samples per area of the code (Redis client, Flask/Werkzeug, marshmallow, Prometheus, gunicorn,
logging …) and the hottest functions, self and inclusive. The profiled load is not the measured one:
sampling costs the workers a little time.
"""
import os
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import sysinfo

# Components, innermost first: a sample goes to the innermost frame that belongs to one of these (so the
# socket write under redis-py counts as redis-py, json under Flask as json).
COMPONENTS = [
    ("redis-py (socket send/recv + RESP parsing)", ("redis/",)),
    ("marshmallow (response schema)", ("marshmallow/",)),
    ("prometheus_client", ("prometheus_client/",)),
    ("json", ("json/",)),
    ("logging", ("logging/",)),
    ("uuid", ("uuid.py",)),
    ("carnet_gateway own code", ("carnet_gateway/",)),
    ("blinker (Flask signals)", ("blinker/",)),
    ("flask", ("flask/",)),
    ("werkzeug", ("werkzeug/",)),
    ("gunicorn (parse request, write response, keep-alive poller)", ("gunicorn/",)),
]
# Inclusive: share of samples with such a frame anywhere in the stack.
INCLUSIVE = [
    ("auth.authenticate (Redis session + principal)", "authenticate (carnet_gateway/auth.py"),
    ("marshmallow Schema.dump", "Schema.dump (marshmallow/"),
    ("marshmallow Schema.__init__ (schema instances built per request)", "Schema.__init__ (marshmallow/"),
    ("gunicorn Response.write / send_headers (socket writes)", "(gunicorn/http/wsgi.py"),
    ("Flask.full_dispatch_request", "Flask.full_dispatch_request (flask/"),
    ("Flask/Werkzeug request context push/pop", "RequestContext.p"),
    ("app before/after_request hooks (request id, metrics, headers)", "(carnet_gateway/app.py"),
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
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    workers = _worker_pids(stack)
    duration = max(1, round(args.duration))
    recorders = []
    for pid in workers:
        path = out / f"gateway-worker-{pid}.collapsed.txt"
        recorders.append((path, subprocess.Popen(
            [py_spy, "record", "--pid", str(pid), "--duration", str(duration + 2), "--rate", "250",
             "--format", "raw", "--nonblocking", "--output", str(path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)))
    time.sleep(1.5)
    result = load(window)
    stacks = Counter()
    for path, recorder in recorders:
        _, err = recorder.communicate(timeout=duration + 60)
        if recorder.returncode != 0 or not path.exists():
            raise RuntimeError(f"py-spy failed: {err}")
        stacks.update(_read_collapsed(path))
    summary = summarise(stacks)
    summary["load_during_profile"] = {"rps": result["rps"], "latency_ms": result["latency_ms"]}
    summary["workers"] = workers
    summary["files"] = [str(path) for path, _ in recorders]
    return summary


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


def summarise(stacks, top=15):
    total = sum(stacks.values()) or 1
    self_time, inclusive, components, areas = Counter(), Counter(), Counter(), Counter()
    for stack, count in stacks.items():
        # py-spy may prefix the stack with process/thread names; code frames look like "fn (file.py:12)".
        code = [f for f in stack.split(";") if " (" in f]
        if not code:
            continue
        self_time[_function(code[-1])] += count
        for function in {_function(f) for f in code}:
            inclusive[function] += count
        component = "stdlib only (thread pool, selectors, socket)"
        for frame in reversed(code):
            path = _path(frame)
            found = next((label for label, needles in COMPONENTS
                          if any(path.startswith(n) or f"/{n}" in path for n in needles)), None)
            if found:
                component = found
                break
        components[component] += count
        for label, needle in INCLUSIVE:
            if any(needle in frame for frame in code):
                areas[label] += count

    def pct(counter, n=None):
        return [{"what": k, "pct": round(100 * v / total, 1)} for k, v in counter.most_common(n)]

    return {"samples": total, "components_self": pct(components), "areas_inclusive": pct(areas),
            "top_self": pct(self_time, top), "top_inclusive": pct(inclusive, 30)}
