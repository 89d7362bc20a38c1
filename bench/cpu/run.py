"""CPU per request (issue 9 §3): the gateway's floor, an authenticated read, a contact read and a plain RPC,
side by side in one run on one stack, with the CPU each process spent per request.

    .venv/bin/python bench/cpu/run.py                        # demo data: 5,000 contacts, every load
    .venv/bin/python bench/cpu/run.py --profile              # + py-spy during get-by-id and two searches
    .venv/bin/python bench/cpu/run.py --reuse /tmp/X.json    # on a database kept by bench/contacts --keep-db
    .venv/bin/python bench/cpu/run.py --quick                # smoke: 4 s loads, 1,000 contacts

Loads, each at ``--connections`` (8) keep-alive clients and again at one client, closed loop, after a
warm-up that is not counted (wrk with bench/lua/paths.lua when installed, else bench/loadgen.py's Python
clients): ``GET /healthz`` (no auth, no I/O), ``GET /api/v1/me`` (Redis only), ``GET /api/v1/contacts/{id}``
rotating over 1,000 ids, the plain nameko RPC ``contacts.ping`` from as many caller processes as clients
(bench/rpcload.py), ``contacts.get_contact`` by RPC (the service's side of a read without the gateway),
and the searches of issue 4 (two plain terms, ``p:``, ``c:``, the three-clause filter). For each load:
req/s, p50/p95/p99, the CPU seconds per request of every process from ``/proc`` (gateway master and
workers, each service, the PostgreSQL backends of the bench database, RabbitMQ's beam, Redis, the load
generator), Redis commands, RPC calls and PostgreSQL transactions per request, the load average and how
busy the box was before and after (the machine is shared: a load disturbed by other processes is run
again, and the least disturbed attempt kept).

The stack is started as ``make run`` starts it (scripts/stack.py: every service of services.toml, then the
gunicorn gateway), in a fresh database seeded with bench/contacts' organizations and generator, or on a
kept database (``--reuse``: the 1M-contact data set for the searches; only identity and contacts are started,
the kept database has no other schema). ``--profile`` samples the gateway workers, contacts and identity
with py-spy during get-by-id, two-term and ``p:`` searches (bench/profiling.py summaries), and takes a
census of the SQL statements each read sends (``log_statement = all`` on the bench database for a few
requests, read back from the PostgreSQL server log). Results: bench/results/cpu-<date>[-name].{md,json}.
"""
import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path[:0] = [str(HERE), str(BENCH), str(BENCH / "contacts"), str(ROOT / "scripts")]


def _load(name, path):
    """A sibling benchmark's run.py as a module (every one of them is called run.py)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contacts_bench = _load("contacts_bench", BENCH / "contacts" / "run.py")
identity_bench = _load("identity_bench", BENCH / "run.py")

import cpu_report  # noqa: E402
import loadgen  # noqa: E402
import profiling  # noqa: E402
import psycopg  # noqa: E402
import rpcload  # noqa: E402
import stack as stack_module  # noqa: E402
import sysinfo  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from stack import Stack  # noqa: E402

import carnet_testing as testing  # noqa: E402
from carnet_common import redis_keys  # noqa: E402

PASSWORD = contacts_bench.PASSWORD
GET_TARGET_PCT_OF_RPC = 50          # issue 9 §3: get-by-id through the gateway ≥ 50 % of the plain-RPC rate
SEARCH_P95_TARGET_MS = 150
REUSE_SERVICES = ("identity", "contacts")
HTTP_LOADS = ("healthz", "me", "get", "search_plain", "search_phone", "search_city", "filter")
RPC_LOADS = ("rpc_ping", "rpc_get")
LABELS = {"healthz": "GET /healthz (gateway floor)", "me": "GET /api/v1/me (Redis, no RPC)",
          "get": "GET /api/v1/contacts/{id}", "rpc_ping": "nameko RPC contacts.ping",
          "rpc_get": "nameko RPC contacts.get_contact (no gateway)",
          "search_plain": "search: 2 plain terms", "search_phone": "search: p: phone digits",
          "search_city": "search: c: city", "filter": "filter: 3 clauses (city, title, 3 lists)"}
PROFILED = ("get", "search_plain", "search_phone")
PROFILE_RATE = 250   # samples per second and thread
UNREACHED_REQUESTS_PER_MINUTE = 1_000_000_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke run: 4 s loads, 1,000 contacts")
    parser.add_argument("--contacts", type=int, default=None, help="contacts seeded in organization A "
                        "(default 5,000, --quick 1,000; B gets a tenth, at least 1,000)")
    parser.add_argument("--reuse", type=Path, metavar="STATE",
                        help="a database kept by bench/contacts/run.py --keep-db (its state file)")
    parser.add_argument("--duration", type=float, default=None, help="seconds per load at --connections "
                                                                     "(default 20, --quick 4)")
    parser.add_argument("--single-duration", type=float, default=None,
                        help="seconds per one-client load (default 10, --quick 3)")
    parser.add_argument("--warmup", type=float, default=None, help="warm-up seconds (default 3, --quick 1)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients (and RPC callers)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--gateway-workers", type=int, default=2)
    parser.add_argument("--gateway-threads", type=int, default=8)
    parser.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--only", default=",".join(HTTP_LOADS + RPC_LOADS),
                        help="comma-separated loads: " + ", ".join(HTTP_LOADS + RPC_LOADS))
    parser.add_argument("--no-single", action="store_true", help="skip the one-client figures")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy on the gateway workers, contacts and identity during get-by-id, 2-term and "
                             "p: searches, and the SQL statement census (needs py-spy: pip install py-spy)")
    parser.add_argument("--py-spy-nonblocking", action="store_true",
                        help="sample without pausing the processes (cheaper, but counts waiting threads as busy)")
    parser.add_argument("--profile-duration", type=float, default=15.0, help="seconds per profiled load")
    parser.add_argument("--census-requests", type=int, default=50, help="requests per statement census")
    sysinfo.add_shared_box_options(parser, wait_idle=30.0, retries=1)
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--name", default=None, help="suffix of the results file: cpu-<date>-<name>")
    args = parser.parse_args(argv)
    args.duration = args.duration or (4.0 if args.quick else 20.0)
    args.single_duration = args.single_duration or (3.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (1.0 if args.quick else 3.0)
    args.contacts = args.contacts or (1_000 if args.quick else 5_000)
    args.only = [load for load in HTTP_LOADS + RPC_LOADS if load in {p.strip() for p in args.only.split(",")}]
    return args


def demo_size(contacts):
    """bench/contacts' sizes for a small data set (50 lists: its query pools name lists up to number 33)."""
    return {"a_contacts": contacts, "a_accounts": max(100, contacts // 50), "a_lists": 50,
            "b_contacts": max(1_000, contacts // 10), "b_accounts": 20, "b_lists": 5}


# Probes ----------------------------------------------------------------------------------------------------

def _loadavg():
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


class Probes:
    """Around one load: CPU per process (sysinfo.CpuProbe), Redis commands, RPC calls per service (their
    /metrics), PostgreSQL transactions and tuples of the bench database, the load average."""

    def __init__(self, stack, redis, database, admin_url, metrics_urls):
        self.stack, self.redis, self.database = stack, redis, database
        self.admin_url, self.metrics_urls = admin_url, metrics_urls

    def _pids(self, name):
        return lambda: [p.pid for p in self.stack.processes if p.carnet_name == name and p.poll() is None]

    def _pg(self):
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            row = conn.execute("SELECT xact_commit + xact_rollback, tup_returned, tup_fetched, sessions "
                               "FROM pg_stat_database WHERE datname = %s", (self.database,)).fetchone()
        # sessions: connections opened (a pool that closes its overflow connections opens new ones, each a
        # backend forked, authenticated and warmed up, gone before the probe ends: the CPU shows as unattributed)
        return {"transactions": row[0], "tuples_returned": row[1], "tuples_fetched": row[2], "sessions": row[3]}

    def start(self):
        names = sorted({p.carnet_name for p in self.stack.processes})
        self.cpu = sysinfo.CpuProbe({name: self._pids(name) for name in names}, database=self.database)
        self.load_before = _loadavg()
        self.commands = sysinfo.RedisCommandStats(self.redis).start()
        self.calls_before = {name: sysinfo.service_calls(url) for name, url in self.metrics_urls.items()}
        self.pg_before = self._pg()
        self.cpu.start()
        return self

    def end(self):
        self.cpu_result = self.cpu.stop()
        self.load_after = _loadavg()
        self.commands_result = self.commands.stop()
        self.calls_result = {name: sysinfo.diff_counts(self.calls_before[name], sysinfo.service_calls(url))
                             for name, url in self.metrics_urls.items()}
        # PostgreSQL publishes a backend's counters at most once a second: let the last ones arrive.
        time.sleep(1.2)
        after = self._pg()
        self.pg_result = {key: after[key] - self.pg_before[key] for key in after}

    def attach(self, result):
        requests = result.get("requests") or 0
        cpu = self.cpu_result
        if "caller_cpu_s" in result:
            # RPC callers report their own CPU over the measured window (start-up and warm-up excluded).
            cpu["cpu_s"]["load generator"] = result["caller_cpu_s"]
        result["cpu"] = cpu
        result["cpu_ms_per_request"] = sysinfo.per_request_ms(cpu, requests)
        result["loadavg_before"], result["loadavg_after"] = self.load_before, self.load_after
        result["redis_commands"] = self.commands_result
        result["redis_commands_per_request"] = (round(sum(self.commands_result.values()) / requests, 2)
                                                if requests else None)
        result["rpc_calls"] = self.calls_result
        result["rpc_calls_per_request"] = {
            name: round(sum(n for key, n in calls.items() if not key.startswith(("healthz", "readyz", "metrics")))
                        / requests, 3) if requests else None
            for name, calls in self.calls_result.items()}
        result["postgres"] = self.pg_result
        result["postgres_per_request"] = {key: round(value / requests, 2) if requests else None
                                          for key, value in self.pg_result.items()}
        return result


# Loads -------------------------------------------------------------------------------------------------------

def _with(args, **changes):
    return argparse.Namespace(**{**vars(args), **changes})


def http_load(args, generator, base_url, inputs, *, connections, duration, workdir, name):
    """bench/run.py's warm-up + measured load: /healthz, /me over the users' tokens (me.lua), or the load's
    paths (rotated) with the administrator's token (paths.lua)."""
    settings = _with(args, connections=connections, duration=duration,
                     wrk_threads=min(args.wrk_threads, connections))
    if name == "healthz":
        return identity_bench.http_load(settings, generator, base_url + "/healthz", script="healthz.lua",
                                        script_args=[], python_spec=[("GET", "/healthz", {}, None)])
    if name == "me":
        return identity_bench.http_load(settings, generator, base_url, script="me.lua",
                                        script_args=inputs["me_tokens"],
                                        python_spec=identity_bench.me_spec(inputs["me_tokens"]))
    token, paths = inputs["token"], inputs["paths"][name]
    listing = Path(workdir) / f"{name}.paths"
    listing.write_text("\n".join(paths) + "\n")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    return identity_bench.http_load(settings, generator, base_url, script="paths.lua",
                                    script_args=[token, str(listing)],
                                    python_spec=[("GET", path, headers, None) for path in paths])


def rpc_load(args, amqp_uri, target, *, callers, duration):
    return (lambda: None, lambda window: rpcload.concurrent(amqp_uri, callers=callers, duration=duration,
                                                            warmup=args.warmup, window=window, target=target))


def run_loads(args, generator, stack, amqp_uri, inputs, probes, results, save, workdir):
    passes = [("concurrent", args.connections, args.duration)]
    if not args.no_single:
        passes.append(("single", 1, args.single_duration))
    for load in args.only:
        for key, clients, duration in passes:
            label = f"{LABELS[load]}, {clients} client{'s' if clients > 1 else ''}"
            print(f"bench: {label}, {duration:g} s …", flush=True)
            if load in RPC_LOADS:
                runner = rpc_load(args, amqp_uri, inputs["rpc_targets"][load], callers=clients, duration=duration)
            else:
                runner = http_load(args, generator, stack.url, inputs, connections=clients, duration=duration,
                                   workdir=workdir, name=load)
            result = identity_bench.measured(args, probes, runner)
            result["clients"] = clients
            results["loads"].setdefault(load, {})[key] = result
            save()
            lat = result["latency_ms"]
            print(f"  {result['rps']:.1f}/s, p50 {lat['p50']} p95 {lat.get('p95')} p99 {lat['p99']} ms, errors "
                  f"{result['errors']['total']}, ours {cpu_report.ours_ms(result):.2f} CPU ms/req, box "
                  f"{result['cpu']['box_busy_pct']:.0f} % busy", flush=True)


def idle_cost(stack, database, seconds=10.0):
    """CPU of the idle stack (timers: outbox relays, job pollers; heartbeats), per process, per second."""
    names = sorted({p.carnet_name for p in stack.processes})
    probe = sysinfo.CpuProbe({name: (lambda n=name: [p.pid for p in stack.processes if p.carnet_name == n])
                              for name in names}, database=database).start()
    time.sleep(seconds)
    cpu = probe.stop()
    return {"seconds": seconds, "cpu_ms_per_s": {name: round(1000 * s / seconds, 1) for name, s in cpu["cpu_s"].items()},
            "box_busy_pct": cpu["box_busy_pct"]}


# Profiles and statement census ------------------------------------------------------------------------------

def profile_loads(args, generator, stack, inputs, py_spy, workdir, results, save):
    table = sysinfo._processes()
    by_name = {p.carnet_name: p.pid for p in stack.processes if p.poll() is None}
    targets = {"gateway workers": sorted(pid for pid, (_, ppid, *_) in table.items() if ppid == by_name["gateway"]),
               "contacts": [by_name["contacts"]], "identity": [by_name["identity"]]}
    out = Path(tempfile.gettempdir()) / f"carnet-bench-{results['name']}-profile"
    results["profile_files"] = str(out)
    duration = args.profile_duration
    for load in PROFILED:
        if load not in inputs["paths"]:
            continue
        print(f"bench: profiling {LABELS[load]} ({args.connections} clients, {duration:g} s) under py-spy …",
              flush=True)
        _, run = http_load(args, generator, stack.url, inputs, connections=args.connections, duration=duration,
                           workdir=workdir, name=load)
        window = ProfileWindow(targets)
        result, recorded = profiling.record(py_spy, targets, duration=round(duration), out=out, rate=PROFILE_RATE,
                                            load=lambda run=run, window=window: run(window), label=f"{load}-",
                                            nonblocking=args.py_spy_nonblocking)
        summaries = {name: {**profiling.summarise(r["stacks"]), "pids": r["pids"], "files": r["files"],
                            "cpu_s_during_load": window.cpu_s.get(name)}
                     for name, r in recorded.items()}
        results.setdefault("profiles", {})[load] = {
            "load_during_profile": {"rps": result["rps"], "latency_ms": result["latency_ms"],
                                    "seconds": window.seconds},
            "sample_rate_hz": PROFILE_RATE, "py_spy_nonblocking": args.py_spy_nonblocking, "processes": summaries}
        save()


class ProfileWindow:
    """CPU seconds of the profiled processes over the load (to read the sample counts against)."""

    def __init__(self, targets):
        self.targets = targets
        self.cpu_s, self.seconds = {}, None

    def _ticks(self):
        table = sysinfo._processes()
        return {name: sum(table[pid][2] for pid in pids if pid in table) for name, pids in self.targets.items()}

    def start(self):
        self.before, self.t0 = self._ticks(), time.monotonic()

    def end(self):
        after = self._ticks()
        self.seconds = round(time.monotonic() - self.t0, 2)
        self.cpu_s = {name: round((after[name] - self.before[name]) / sysinfo.CLK_TCK, 2) for name in after}


_ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_STATEMENT = re.compile(r"LOG:\s+(?:statement|execute [^:]*):\s(.*)", re.S)


def _server_log(admin_url):
    with psycopg.connect(admin_url, autocommit=True) as conn:
        current = conn.execute("SELECT pg_current_logfile()").fetchone()[0]
        directory = conn.execute("SHOW data_directory").fetchone()[0]
        version = conn.execute("SHOW server_version_num").fetchone()[0][:2]
    candidates = [Path(directory) / current] if current else []
    candidates.append(Path(f"/var/log/postgresql/postgresql-{version}-main.log"))
    return next((path for path in candidates if path.is_file() and os.access(path, os.R_OK)), None)


def _statements(path, offset, end, database):
    """The statements logged for ``database`` between two byte offsets of the server log."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        text = handle.read(end - offset).decode(errors="replace")
    entries, current = [], None
    for line in text.splitlines():
        if _ENTRY.match(line):
            current = [line]
            entries.append(current)
        elif current is not None:
            current.append(line.strip())
    found = []
    for entry in entries:
        head = entry[0]
        if f"@{database} " not in head:
            continue
        match = _STATEMENT.search(" ".join(entry))
        if match:
            found.append(re.sub(r"\s+", " ", match.group(1)).strip())
    return found


def _normalise(statement):
    """One line per kind of statement: literals and psycopg's prepared names folded."""
    statement = re.sub(r"'[^']*'", "'…'", statement)
    statement = re.sub(r"\b\d+\b", "N", statement)
    return statement[:220]


def statement_census(args, stack, admin_url, database, inputs):
    """How many statements one read sends: ``log_statement = all`` for the bench database, the services
    restarted so their connections take it, then an idle window (timers) and ``--census-requests``
    sequential requests per case; the database setting is reset afterwards."""
    path = _server_log(admin_url)
    if path is None:
        return {"skipped": "the PostgreSQL server log is not readable from here"}
    services = [s for s in stack_module.SERVICES if any(p.carnet_name == s["name"] for p in stack.processes)]
    census = {"log": str(path), "requests_per_case": args.census_requests, "cases": {}}
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{database}" SET log_statement = \'all\'')
    try:
        _restart_services(stack, services)
        client = contacts_bench.httpload.Client(stack.url, inputs["token"])
        for case in ("get", "search_plain", "search_phone"):
            paths = inputs["paths"].get(case)
            if not paths:
                continue
            for p in paths[:10]:   # psycopg prepares a statement after 5 executions: measure the steady state
                client.get(p)
            time.sleep(1)
            start = path.stat().st_size
            time.sleep(3)
            middle = path.stat().st_size
            idle = _statements(path, start, middle, database)
            t0 = time.perf_counter()
            for i in range(args.census_requests):
                status, _, _ = client.get(paths[(i * 7) % len(paths)])
                if status != 200:
                    raise RuntimeError(f"census {case}: HTTP {status}")
            elapsed = time.perf_counter() - t0
            time.sleep(1)
            busy = _statements(path, middle, path.stat().st_size, database)
            # What the timers sent in the idle window, scaled to the requests' window, is not the requests'.
            scale = (elapsed + 1) / 3
            counts, background = {}, {}
            for statement in busy:
                key = _normalise(statement)
                counts[key] = counts.get(key, 0) + 1
            for statement in idle:
                key = _normalise(statement)
                background[key] = background.get(key, 0) + 1
            per_request = {key: (n - background.get(key, 0) * scale) / args.census_requests
                           for key, n in counts.items()}
            census["cases"][case] = {
                "statements_per_request": round((len(busy) - len(idle) * scale) / args.census_requests, 2),
                "background_per_s": round(len(idle) / 3, 1),
                "background": [{"statement": k, "per_s": round(n / 3, 1)}
                               for k, n in sorted(background.items(), key=lambda kv: -kv[1])],
                "by_statement": [{"statement": k, "per_request": round(n, 2)}
                                 for k, n in sorted(per_request.items(), key=lambda kv: -kv[1]) if n >= 0.1][:25]}
        client.close()
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{database}" RESET log_statement')
    return census


def _restart_services(stack, services):
    for service in services:
        for process in [p for p in stack.processes if p.carnet_name == service["name"]]:
            stack.stop_process(process)
            stack.processes.remove(process)
        stack.start_service(service)
    stack.wait_ready(120)


# Set-up ----------------------------------------------------------------------------------------------------

def prepare_data(args, stack, database_url, reuse):
    """Organizations, users, lists, custom fields and contacts (or those of the kept database); tokens."""
    base = stack.url
    if reuse:
        orgs, size, seeded = reuse["orgs"], reuse["size"], {"reused": reuse["database"],
                                                            "seeded_at": reuse["seeded_at"]}
    else:
        size = demo_size(args.contacts)
        orgs = {"A": contacts_bench.setup_org(base, "A", lists=size["a_lists"], reps=9, limited=True),
                "B": contacts_bench.setup_org(base, "B", lists=size["b_lists"], reps=2)}
        print(f"bench: seeding {size['a_contacts']:,} + {size['b_contacts']:,} contacts …", flush=True)
        seed = contacts_bench.seed_all(database_url, orgs, size)
        seeded = {"rows": seed["rows"], "total_s": seed["total_s"], "norms_mismatches": seed["norms_check"]["mismatches"]}
    for org in orgs.values():
        org["admin_token"] = contacts_bench.login(base, f"admin.{org['tag'].lower()}")
    contacts_bench.grant_and_select(base, orgs)
    a = orgs["A"]
    reps = [f"rep{i:02d}.a" for i in range(9)]
    me_tokens = [a["admin_token"]] + [contacts_bench.login(base, username) for username in reps]
    qp = contacts_bench.query_pools(database_url, a, size)
    if not qp["phone"]:
        qp["phone"] = _phones(database_url, a["org_id"])
    search = contacts_bench.search_path
    paths = {"get": [f"/api/v1/contacts/{i}" for i in qp["ids"]],
             "search_plain": [search(q) for q in qp["plain"]], "search_phone": [search(q) for q in qp["phone"]],
             "search_city": [search(q) for q in qp["city"]], "filter": [search(criteria=c) for c in qp["filter"]]}
    actor = {"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True}
    return {"size": size, "seed": seeded, "orgs": orgs, "token": a["admin_token"], "me_tokens": me_tokens,
            "paths": paths, "rpc_targets": {"rpc_ping": ("contacts", "ping", [()]),
                                            "rpc_get": ("contacts", "get_contact",
                                                        [(actor, i) for i in qp["ids"]])}}


def _phones(database_url, org_id):
    """``p:`` queries for a small data set, where bench/contacts' 1 % table sample finds no row."""
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT phone_digits FROM contacts.contacts WHERE org_id = %s AND phone_digits <> '' "
                            "ORDER BY id LIMIT 200", (org_id,)).fetchall()
    return [f"p:{row[0].split()[0][3:]}" for row in rows]


def main(argv=None):
    args = parse_args(argv)
    # Stopped with SIGTERM (a background run ignores SIGINT): unwind, so the stack stops and the storage goes.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.wrk = loadgen.find_wrk()
    generator = args.generator if args.generator != "auto" else ("wrk" if args.wrk else "python")
    if generator == "wrk" and not args.wrk:
        raise SystemExit("wrk is not installed (apt-get install -y wrk), or use --generator python")
    py_spy = profiling.find_py_spy() or shutil.which("py-spy", path=str(Path(sys.executable).parent))
    if args.profile and not py_spy:
        raise SystemExit("--profile needs py-spy (.venv/bin/pip install py-spy, or PY_SPY=/path/to/py-spy)")
    reuse = json.loads(args.reuse.read_text()) if args.reuse else None
    if reuse:
        stack_module.SERVICES[:] = [s for s in stack_module.SERVICES if s["name"] in REUSE_SERVICES]
    started = datetime.datetime.now().astimezone()
    name = f"cpu-{started:%Y-%m-%d}" + (f"-{args.name}" if args.name else "")
    log_path = Path(f"/tmp/carnet-bench-{name}-{started:%H%M%S}.log")
    results = {"name": name, "started_at": started.isoformat(timespec="seconds"),
               "command": "python bench/cpu/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "settings": {"duration_s": args.duration, "single_duration_s": args.single_duration,
                            "warmup_s": args.warmup, "connections": args.connections, "generator": generator,
                            "wrk_threads": args.wrk_threads if generator == "wrk" else None,
                            "gateway_workers": args.gateway_workers, "gateway_threads": args.gateway_threads,
                            "max_foreign_pct": args.max_foreign_pct, "retries": args.retries,
                            "services": [s["name"] for s in stack_module.SERVICES]},
               "targets": {"get_pct_of_rpc_ping": GET_TARGET_PCT_OF_RPC, "search_p95_ms": SEARCH_P95_TARGET_MS},
               "machine": sysinfo.machine(), "versions": sysinfo.versions(args.wrk),
               "source": _source(), "loads": {}}
    print(f"bench: stack log in {log_path}", flush=True)

    def save(final=False):
        if final:
            results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
            results["loadavg_end"] = _loadavg()
        return cpu_report.write(results, args.out, name)

    workdir = tempfile.mkdtemp(prefix="carnet-bench-cpu-")
    database_cm = contacts_bench.bench_database(True, reuse) if reuse else fresh_database()
    with database_cm as (database_url, admin_url, database), testing.fresh_vhost("carnet_bench") as amqp_uri, \
            open(log_path, "w") as log:
        prefix = testing.fresh_redis_prefix()
        # The gateway's per-user request cap (issue 10 §2) would answer 429 to a benchmark's one token: lifted out
        # of reach, not off, so its Redis round trip is still counted.
        env = testing.test_env(database_url, amqp_uri, prefix, GATEWAY_THREADS=args.gateway_threads,
                               READINESS_SERVICES=",".join(s["name"] for s in stack_module.SERVICES),
                               API_REQUESTS_PER_USER_MINUTE=UNREACHED_REQUESTS_PER_MINUTE,
                               SIGNUP_PLANS="professional")   # the plan the demo organizations sign up on (S-7)
        port, offset = stack_module.free_port(), stack_module.free_port_offset()
        stack = Stack(env, gateway_port=port, port_offset=offset, log=log, gateway_workers=args.gateway_workers)
        redis = redis_keys.client(env["REDIS_URL"])
        try:
            print(f"bench: bootstrapping and starting {', '.join(results['settings']['services'])} + gateway …",
                  flush=True)
            stack.bootstrap()
            stack.start(timeout=120)
            results["database"] = database
            inputs = prepare_data(args, stack, database_url, reuse)
            results["data"] = {"size": inputs["size"], "seed": inputs["seed"],
                               "examples": {k: urllib.parse.unquote(v[0]) for k, v in inputs["paths"].items()}}
            metrics = {s["name"]: f"http://{stack.service_address(s)}/metrics" for s in stack_module.SERVICES}
            probes = Probes(stack, redis, database, admin_url, metrics)
            time.sleep(2)
            results["idle"] = idle_cost(stack, database)
            save()
            run_loads(args, generator, stack, amqp_uri, inputs, probes, results, save, workdir)
            if args.profile:
                _diagnostic(results, save, "profiles_error",
                            lambda: profile_loads(args, generator, stack, inputs, py_spy, workdir, results, save))
                _diagnostic(results, save, "census_error", lambda: results.__setitem__(
                    "census", statement_census(args, stack, admin_url, database, inputs)))
        finally:
            stack.stop()
            contacts_bench._drop_redis_prefix(env, prefix)
            shutil.rmtree(workdir, ignore_errors=True)
    md_path, json_path = save(final=True)
    print(cpu_report.summary(results))
    print(f"\nbench: wrote {md_path} and {json_path}")
    return 0


def _source():
    """The commit the services ran from: the checkout's, or that of a snapshot (``git archive`` with a
    SOURCE_COMMIT file, run with PYTHONPATH on its packages while others edit the checkout)."""
    import carnet_contacts
    marker = ROOT / "SOURCE_COMMIT"
    found = ({"commit": marker.read_text().strip(), "snapshot": str(ROOT)} if marker.exists()
             else sysinfo.source_state(ROOT))
    found["services_imported_from"] = str(Path(carnet_contacts.__file__).parent.parent)
    return found


def _diagnostic(results, save, key, step):
    """A profile or census that fails is recorded; the measured loads are kept."""
    try:
        step()
    except Exception as exc:  # noqa: BLE001 - a diagnostic must not lose the measured loads
        print(f"  {key}: {exc}", flush=True)
        results[key] = str(exc)
    save()


@contextlib.contextmanager
def fresh_database():
    """A fresh database as ``(url, admin url, name)``, like bench/contacts' ``bench_database``."""
    with testing.fresh_database("carnet_bench_cpu") as url:
        parsed = make_url(url)
        yield url, parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False), \
            parsed.database


if __name__ == "__main__":
    sys.exit(main())
