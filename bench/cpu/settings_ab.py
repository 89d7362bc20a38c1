"""PostgreSQL session settings compared on the 1M-contact searches, in process (issue 9 §3, phase 3).

    .venv/bin/python bench/cpu/settings_ab.py /tmp/carnet_bench_contacts_<id>.json
    .venv/bin/python bench/cpu/settings_ab.py STATE --variants base,par2 --cases filter --clients 1,8 --rounds 4

Each variant is a set of ``-c name=value`` options added to the service's own (``carnet_common.db.session_options``:
no JIT, the statement timeout, parallel workers per ``DB_PARALLEL_WORKERS_PER_GATHER``); the search use case
(``records.usecases.search_records``, as the contacts service runs it for the gateway's ``GET /contacts``) is called
with bench/contacts' query pools (the 25 three-clause filters, 16 ``c:`` cities, 60 name pairs, 200 phones) by one
client, then by N threads each on its own connection (psycopg waits outside the GIL, so the database work of the
threads overlaps as that of the service's workers does). Variants are interleaved round by round, so a change of
the box's load falls on all of them alike; per variant: p50/p95/max wall ms over every call, the PostgreSQL
backends' CPU ms per call (``/proc`` of the bench database's backends, read before and after: parallel workers
ended by then are not in it, see the box's busy share), and the box's load.

Printed as a table and written to ``bench/results/settings-<date>[-name].{md,json}``.
"""
import argparse
import datetime
import importlib.util
import json
import os
import statistics
import sys
import threading
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
sys.path[:0] = [str(BENCH), str(BENCH / "contacts"), str(BENCH.parent / "scripts")]
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import psycopg  # noqa: E402
import sysinfo  # noqa: E402
from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from carnet_common import config, db  # noqa: E402

VARIANTS = {
    "base": "",                                              # the service's settings (parallel query off)
    "par1": "-c max_parallel_workers_per_gather=1",
    "par2": "-c max_parallel_workers_per_gather=2",
    "rpc11": "-c random_page_cost=1.1",
    "par1_rpc11": "-c max_parallel_workers_per_gather=1 -c random_page_cost=1.1",
    "par2_cost": "-c max_parallel_workers_per_gather=2 -c parallel_setup_cost=20000",
    "par1_cost": "-c max_parallel_workers_per_gather=1 -c parallel_setup_cost=20000",
    "eic": "-c effective_io_concurrency=32",
    # max_parallel_workers is checked by the session that launches workers against the parallel workers running in
    # the whole cluster: 1 = a Gather gets its worker only while no other parallel worker runs (one client on an
    # idle box), else its leader runs the plan alone (8 clients: no worker processes started per query).
    "par1_cap1": "-c max_parallel_workers_per_gather=1 -c max_parallel_workers=1",
    "par2_cap2": "-c max_parallel_workers_per_gather=2 -c max_parallel_workers=2",
}
CLK = os.sysconf("SC_CLK_TCK")


def backend_cpu_ms(admin_url, database):
    """CPU ms used so far by the PostgreSQL processes of ``database`` (backends and parallel workers)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s "
                                           "AND pid <> pg_backend_pid()", (database,))]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return 1000 * total / CLK


def box_busy():
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]


def open_connections(engine, n):
    """``n`` connections of ``engine``'s pool opened before a pass, so no call of it pays for a new one."""
    connections = [engine.connect() for _ in range(n)]
    for connection in connections:
        connection.exec_driver_sql("SELECT 1")
        connection.close()


def concurrent(call, engine, pool, clients):
    """Wall ms of each call when ``clients`` threads share the pool (repeated so each gets two at least)."""
    queue = list(pool) * max(1, (2 * clients) // len(pool) + 1)
    lock, walls = threading.Lock(), []

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                query = queue.pop()
            wall = call(engine, query)
            with lock:
                walls.append(wall)
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return walls


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("state", type=Path)
    parser.add_argument("--variants", default="base,par1,par2,rpc11,par2_cost")
    parser.add_argument("--cases", default="filter,search_city,search_plain,search_phone")
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--rounds", type=int, default=3, help="passes over each pool per variant and client count")
    parser.add_argument("--extra", action="append", default=[], metavar="NAME=OPTIONS",
                        help="another variant: a name and its -c options")
    parser.add_argument("--name")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    for item in args.extra:
        name, _, options = item.partition("=")
        VARIANTS[name] = options
    spec = importlib.util.spec_from_file_location("contacts_bench", BENCH / "contacts" / "run.py")
    contacts_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(contacts_bench)

    from carnet_contacts import contracts
    from carnet_contacts.records import contracts as record_contracts
    from carnet_contacts.records import usecases

    state = json.loads(args.state.read_text())
    url = make_url(config.database_url()).set(database=state["database"])
    plain_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
    admin_url = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    a = state["orgs"]["A"]
    qp = contacts_bench.query_pools(plain_url, a, state["size"])
    actor = contracts.Actor().load({"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True})
    load = record_contracts.SearchQuery().load
    pools = {"filter": [load({"per_page": 50, "criteria": json.dumps(c)}) for c in qp["filter"]],
             "search_city": [load({"per_page": 50, "q": q}) for q in qp["city"]],
             "search_plain": [load({"per_page": 50, "q": q}) for q in qp["plain"]],
             "search_phone": [load({"per_page": 50, "q": q}) for q in qp["phone"][:60]]}
    variants = [v for v in args.variants.split(",") if v]
    engines = {v: create_engine(url.render_as_string(hide_password=False), pool_size=10, max_overflow=2,
                                connect_args={"options": f"{db.session_options()} {VARIANTS[v]}".strip()})
               for v in variants}
    clients = [int(c) for c in args.clients.split(",")]
    cases = [c for c in args.cases.split(",") if c]
    samples = {(case, n, v): {"wall": [], "pg_ms": 0.0, "calls": 0, "busy": [0, 0]}
               for case in cases for n in clients for v in variants}

    def call(engine, query):
        with Session(engine, expire_on_commit=False) as session, session.begin():
            t0 = time.perf_counter()
            usecases.search_records(session, actor=actor, record_type="contact", query=query)
            return 1000 * (time.perf_counter() - t0)

    for v in variants:  # warm: every plan's pages read once
        for query in pools[cases[0]][:3]:
            call(engines[v], query)
        engines[v].dispose()
    started = datetime.datetime.now().astimezone()
    load_before = os.getloadavg()
    for round_no in range(args.rounds):
        for case in cases:
            for n in clients:
                for v in (variants if round_no % 2 == 0 else variants[::-1]):
                    engine, pool = engines[v], pools[case]
                    open_connections(engine, n)
                    bucket = samples[(case, n, v)]
                    pg0, (tot0, idle0) = backend_cpu_ms(admin_url, state["database"]), box_busy()
                    walls = [call(engine, query) for query in pool] if n == 1 else concurrent(call, engine, pool, n)
                    bucket["wall"] += walls
                    bucket["calls"] += len(walls)
                    tot1, idle1 = box_busy()
                    bucket["pg_ms"] += backend_cpu_ms(admin_url, state["database"]) - pg0
                    bucket["busy"][0] += tot1 - tot0
                    bucket["busy"][1] += (tot1 - tot0) - (idle1 - idle0)
                    engine.dispose()   # one variant's connections at a time: the server is shared
        print(f"settings_ab: round {round_no + 1}/{args.rounds} done, load {os.getloadavg()[0]:.2f}", flush=True)
    rows = []
    for (case, n, v), bucket in samples.items():
        wall = sorted(bucket["wall"])
        rows.append({"case": case, "clients": n, "variant": v, "options": VARIANTS[v], "calls": len(wall),
                     "p50_ms": round(statistics.median(wall), 1),
                     "p95_ms": round(wall[min(len(wall) - 1, int(0.95 * len(wall)))], 1),
                     "max_ms": round(wall[-1], 1), "mean_ms": round(statistics.fmean(wall), 1),
                     "pg_cpu_ms_per_call": round(bucket["pg_ms"] / max(bucket["calls"], 1), 1),
                     "box_busy_pct": round(100 * bucket["busy"][1] / max(bucket["busy"][0], 1), 1)})
    results = {"started_at": started.isoformat(timespec="seconds"),
               "command": "python bench/cpu/settings_ab.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "database": state["database"], "service_options": db.session_options(),
               "loadavg_before": load_before, "loadavg_after": os.getloadavg(), "machine": sysinfo.machine(),
               "source": sysinfo.source_state(BENCH.parent), "rows": rows}
    md = markdown(results)
    print(md)
    stem = f"settings-{started:%Y-%m-%d}" + (f"-{args.name}" if args.name else "")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (args.out / f"{stem}.md").write_text(md)
    print(f"settings_ab: wrote {args.out / stem}.md")
    return 0


def markdown(results):
    lines = [f"# Session settings A/B — {results['started_at']}", "",
             f"Command: `{results['command']}`. Database `{results['database']}`. The service's own options: "
             f"`{results['service_options']}`; each variant adds its own. Load average "
             f"{' '.join(f'{x:.2f}' for x in results['loadavg_before'])} → "
             f"{' '.join(f'{x:.2f}' for x in results['loadavg_after'])}.", "",
             "| case | clients | variant | options | calls | p50 ms | p95 ms | max ms | mean ms | PostgreSQL CPU ms/call "
             "| box busy |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(results["rows"], key=lambda r: (r["case"], r["clients"])):
        lines.append(f"| {r['case']} | {r['clients']} | {r['variant']} | `{r['options'] or '—'}` | {r['calls']} "
                     f"| {r['p50_ms']} | **{r['p95_ms']}** | {r['max_ms']} | {r['mean_ms']} | {r['pg_cpu_ms_per_call']} "
                     f"| {r['box_busy_pct']} % |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
