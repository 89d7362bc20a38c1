"""What the benchmark ran on, and where the CPU went during a load.

* ``machine()`` / ``versions()``: nproc, CPU model, memory, kernel, Python and the libraries that matter.
* ``CpuProbe``: CPU seconds per process group (gateway, identity, RabbitMQ, Redis, PostgreSQL, load
  generator) between ``start()`` and ``stop()``, read from ``/proc``; ``per_request`` divides by the count.
* ``RedisCommandStats``: Redis ``INFO commandstats`` calls before/after, to count round trips per request.
* ``service_calls()``: the identity service's ``carnet_service_calls_total`` (RPC calls per method).
"""
import os
import platform
import re
import resource
import shutil
import subprocess
import time
import urllib.request
from importlib import metadata

CLK_TCK = os.sysconf("SC_CLK_TCK")
PACKAGES = ("nameko", "eventlet", "kombu", "amqp", "Flask", "Werkzeug", "gunicorn", "redis", "psycopg",
            "SQLAlchemy", "marshmallow", "argon2-cffi", "argon2-cffi-bindings", "prometheus-client")


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return ""


def _run(argv):
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine():
    cpuinfo = _read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*(.+)$", cpuinfo, re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    swap = re.search(r"^SwapTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    return {
        "nproc": os.cpu_count(),
        "nproc_available": len(os.sched_getaffinity(0)),
        "cpu_model": model.group(1).strip() if model else "unknown",
        "cpu_mhz": float(mhz.group(1)) if mhz else None,
        "memory_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "swap_gib": round(int(swap.group(1)) / 1024 / 1024, 1) if swap else None,
        "kernel": platform.release(),
        "loadavg_before": _read("/proc/loadavg").split()[:3],
    }


def versions(wrk_path=None):
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    if wrk_path:
        found["wrk"] = (_run([wrk_path, "--version"]) or "").splitlines()[0:1]
        found["wrk"] = found["wrk"][0] if found["wrk"] else None
    psql = shutil.which("psql")
    found["postgresql"] = _run([psql, "--version"]) if psql else None
    redis_server = shutil.which("redis-server")
    found["redis-server"] = _run([redis_server, "--version"]) if redis_server else None
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    version = _run([ctl, "-q", "version"]) if os.path.exists(ctl) else ""
    found["rabbitmq"] = version or None
    return found


def source_state(root):
    """The commit and how many files differ from it (the work tree may hold others' uncommitted work)."""
    commit = _run(["git", "-C", str(root), "rev-parse", "HEAD"])
    status = _run(["git", "-C", str(root), "status", "--porcelain"]).splitlines()
    return {"commit": commit or None, "uncommitted_paths": len(status),
            "uncommitted_outside_bench": len([line for line in status if not line[3:].startswith("bench/")])}


# CPU accounting ------------------------------------------------------------------------------------

def _stat(pid):
    """(comm, ppid, utime+stime ticks, stime ticks) of a process, or None when it is gone."""
    raw = _read(f"/proc/{pid}/stat")
    if not raw:
        return None
    comm = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    # fields[0] is state; utime/stime are fields 14/15 of the full line, 11/12 here; children's are 13/14.
    return comm, int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[12])


def _processes():
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat(int(entry))
            if stat:
                table[int(entry)] = stat
    return table


def _descendants(table, roots):
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for pid, (_, ppid, *_) in table.items():
            if ppid in found and pid not in found:
                found.add(pid)
                changed = True
    return found


def _box_ticks():
    """(busy, total) CPU ticks of the whole box, all CPUs added (steal counts as busy: it is lost to us)."""
    values = [int(v) for v in _read("/proc/stat").splitlines()[0].split()[1:]]
    total = sum(values[:8])
    return total - values[3] - values[4], total


def box_busy_pct(seconds=3.0):
    """How busy the box is over ``seconds`` (0–100 %, all CPUs)."""
    busy0, total0 = _box_ticks()
    time.sleep(seconds)
    busy1, total1 = _box_ticks()
    return round(100 * (busy1 - busy0) / max(total1 - total0, 1), 1)


_BACKEND = re.compile(r"^postgres: [^:]+: \S+ (\S+) ")
_PARALLEL = re.compile(r"parallel worker for PID (\d+)")


class CpuProbe:
    """CPU seconds per component over one load, from ``/proc``.

    ``groups`` maps a name to a callable returning root pids (their descendants count too). RabbitMQ, Redis
    and PostgreSQL are found by process name (PostgreSQL backends of other databases are not ours); the load
    generator is this process's reaped children (wrk, the Python callers). Everything else that ran is
    "other processes": on a shared machine, someone else's work, which makes that load's figures pessimistic.
    "unattributed" is what the box was busy with beyond all processes (kernel threads, interrupts, steal,
    processes that started and ended within the window).
    """

    SYSTEM = {"rabbitmq": ("beam.smp", "erl_child_setup", "inet_gethost", "epmd"),
              "redis": ("redis-server",), "postgresql": ("postgres",)}

    def __init__(self, groups, database=None):
        self.groups = groups
        self.database = database
        self.before = None
        self.after = None

    def _classify(self, table):
        me = os.getpid()
        owner = {me: "bench driver"}
        for name, roots in self.groups.items():
            for pid in _descendants(table, [p for p in roots() if p in table]):
                owner.setdefault(pid, name)
        # This process's other descendants: wrk, the Python callers, multiprocessing's helper.
        for pid in _descendants(table, [me]):
            owner.setdefault(pid, "load generator")
        for pid, (comm, *_) in table.items():
            if pid in owner:
                continue
            for name, comms in self.SYSTEM.items():
                if comm in comms:
                    owner[pid] = name
                    if name == "postgresql":
                        owner[pid] = self._postgres_owner(table, pid)
                    break
            else:
                owner[pid] = "other processes"
        return owner

    def _postgres_owner(self, table, pid):
        """A backend of another database is someone else's; a parallel worker belongs with its leader."""
        title = _read(f"/proc/{pid}/cmdline").replace("\0", " ")
        leader = _PARALLEL.search(title)
        if leader:
            title = _read(f"/proc/{leader.group(1)}/cmdline").replace("\0", " ")
        backend = _BACKEND.match(title)
        if backend and self.database and backend.group(1) != self.database:
            return "other processes"
        return "postgresql"

    def _snapshot(self):
        table = _processes()
        owner = self._classify(table)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return ({pid: (owner[pid], stat[2], stat[3]) for pid, stat in table.items()}, _box_ticks(), time.monotonic(),
                children.ru_utime + children.ru_stime)

    def start(self):
        self.before = self._snapshot()
        return self

    def stop(self):
        self.after = self._snapshot()
        return self.result()

    def result(self):
        (p0, (busy0, total0), t0, kids0), (p1, (busy1, total1), t1, kids1) = self.before, self.after
        wall = t1 - t0
        ticks = {name: 0 for name in ("gateway", "identity", "other Carnet services", "rabbitmq", "redis",
                                      "postgresql", "bench driver", "load generator", "other processes")}
        system = dict.fromkeys(ticks, 0)
        for pid, (name, now, now_sys) in p1.items():
            _, then, then_sys = p0.get(pid, (name, 0, 0))   # a process started during the load counts from 0
            ticks[name] = ticks.get(name, 0) + now - then
            system[name] = system.get(name, 0) + now_sys - then_sys
        seconds = {name: round(n / CLK_TCK, 2) for name, n in ticks.items()}
        live_generator = seconds.pop("load generator")
        kernel_share = {name: round(100 * system[name] / ticks[name]) for name in ticks
                        if ticks.get(name) and name not in ("load generator", "other processes")}
        # The load generator: what its live processes used in the window, plus what the ones that exited
        # (and were reaped) by stop() used in all (wrk; the Python callers when they ended in the window).
        seconds["load generator"] = round(live_generator + kids1 - kids0, 2)
        busy_s = (busy1 - busy0) / CLK_TCK
        seconds["unattributed"] = round(max(busy_s - sum(seconds.values()), 0.0), 2)
        cores = os.cpu_count() or 1
        return {"wall_s": round(wall, 2), "box_busy_pct": round(100 * (busy1 - busy0) / max(total1 - total0, 1), 1),
                "foreign_pct": round(100 * seconds["other processes"] / (wall * cores), 1), "cpu_s": seconds,
                "kernel_pct_of_process_cpu": kernel_share}


def add_shared_box_options(parser, *, wait_idle, retries):
    """The options of a benchmark that shares this machine with others: wait for a quiet box, run a load
    again when other processes took too much of it (bench/run.py's ``wait_quiet`` and ``measured``)."""
    parser.add_argument("--wait-idle", type=float, default=wait_idle,
                        help="before each load, wait up to this many seconds for the box to be quiet (0: don't)")
    parser.add_argument("--idle-threshold", type=float, default=25.0,
                        help="'quiet' = the box is at most this %% busy (our idle stack included)")
    parser.add_argument("--max-foreign-pct", type=float, default=10.0,
                        help="run a load again when processes outside the benchmark used more than this %% "
                             "of the box during it")
    parser.add_argument("--retries", type=int, default=retries, help="how many times a disturbed load is run again")


def per_request_ms(cpu, requests):
    if not requests:
        return {}
    return {name: round(1000 * secs / requests, 3) for name, secs in cpu["cpu_s"].items()}


# Redis and service counters -----------------------------------------------------------------------

class RedisCommandStats:
    def __init__(self, client):
        self.client = client
        self.before = {}

    def _calls(self):
        return {name.removeprefix("cmdstat_"): int(v["calls"])
                for name, v in self.client.info("commandstats").items()}

    def start(self):
        self.before = self._calls()
        return self

    def stop(self):
        after = self._calls()
        delta = {name: calls - self.before.get(name, 0) for name, calls in after.items()}
        # The probe's own INFO call is not traffic.
        delta["info"] = delta.get("info", 0) - 1
        return {name: n for name, n in sorted(delta.items()) if n > 0}


_SAMPLE = re.compile(r'^carnet_service_calls_total\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)$', re.M)


def service_calls(metrics_url):
    """``{method/outcome: count}`` from a nameko service's ``/metrics``."""
    try:
        with urllib.request.urlopen(metrics_url, timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return {}
    calls = {}
    for match in _SAMPLE.finditer(text):
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group("labels")))
        calls[f"{labels.get('entrypoint')}/{labels.get('outcome')}"] = int(float(match.group("value")))
    return calls


def diff_counts(before, after):
    return {key: after[key] - before.get(key, 0) for key in sorted(after) if after[key] - before.get(key, 0)}
