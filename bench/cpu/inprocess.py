"""The contacts service's read paths in one process, without nameko, RabbitMQ or the gateway (issue 9 §3):
what a get-by-id and a search cost in the use case itself, and in which pieces.

    .venv/bin/python bench/cpu/inprocess.py /tmp/carnet_bench_contacts_<id>.json   # a bench/contacts --keep-db state

On the kept database, with the engine the service builds (``carnet_common.db.get_engine``: pre-ping, no JIT,
statement timeout), one session per call as the Database provider gives one per worker:

* CPU ms per call (``process_time``: this process only, whatever else the box does) of ``get_record`` and
  ``search_records`` (two plain terms, ``p:``), with the engine as configured and without the pre-ping;
* the statements each call sends, and whether SQLAlchemy's compiled cache served them
  (``ExecutionContext.cache_hit``), and the cost of the pieces around the use case: the ``Actor`` contract
  built and loaded per call (what ``service._actor`` does) against one built once, ``json`` of the result
  (what kombu's serializer does twice per RPC);
* cProfile of the calls with a CPU clock (top functions by own CPU time and cumulative).

Results: bench/results/cpu-<date>-inprocess.{md,json}. The use case's module names are those of the code
before issue 9 §1's restructuring: run it on such a commit with bench/cpu/at_commit.sh.
"""
import argparse
import cProfile
import datetime
import io
import json
import pstats
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
sys.path[:0] = [str(BENCH)]

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import sysinfo  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from carnet_common import config, db  # noqa: E402


def cpu_ms(fn, n):
    fn()
    t0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        fn()
    return round(1000 * (time.process_time() - t0) / n, 3), round(1000 * (time.perf_counter() - w0) / n, 3)


class Statements:
    """Statements an engine sends while active, with SQLAlchemy's cache verdict for each."""

    def __init__(self, engine):
        self.active, self.seen = False, []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            verdict = getattr(context, "cache_hit", None)
            self.seen.append((" ".join(statement.split())[:160], str(verdict) if verdict is not None else "?"))


def census(engine, calls, call):
    log = Statements(engine)
    log.active = True
    for _ in range(calls):
        call()
    log.active = False
    counts = {}
    for statement, verdict in log.seen:
        key = (statement, verdict)
        counts[key] = counts.get(key, 0) + 1
    return {"statements_per_call": round(len(log.seen) / calls, 2),
            "by_statement": [{"statement": s, "cache": v, "per_call": round(n / calls, 2)}
                             for (s, v), n in sorted(counts.items(), key=lambda kv: -kv[1])]}


def profile(call, n):
    profiler = cProfile.Profile(time.process_time)   # CPU, not time spent waiting for PostgreSQL
    profiler.enable()
    for _ in range(n):
        call()
    profiler.disable()
    out = {}
    for key in ("tottime", "cumulative"):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats(key).print_stats(22)
        lines = stream.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.strip().startswith("ncalls")), 0)
        out[key] = "\n".join(line.replace("/work/main/.venv/lib/python3.11/site-packages/", "")
                             .replace("/usr/local/lib/python3.11/", "") for line in lines[start:] if line.strip())
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("state", type=Path, help="a bench/contacts --keep-db state file")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    from carnet_contacts import contracts
    from carnet_contacts.records import contracts as record_contracts
    from carnet_contacts.records import usecases

    state = json.loads(args.state.read_text())
    url = make_url(config.database_url()).set(database=state["database"]).render_as_string(hide_password=False)
    engine = db.get_engine(url)
    plain = db.get_engine(url + "?application_name=bench_no_ping", pool_pre_ping=False)
    a = state["orgs"]["A"]
    raw_actor = {"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True}
    actor = contracts.Actor().load(raw_actor)
    sys.path.insert(0, str(BENCH / "contacts"))
    import seed
    ids = [seed.contact_id(a["org_id"], n) for n in range(1, 1_000_000, 997)]
    rotation = {"n": 0}

    def next_id():
        rotation["n"] += 1
        return ids[rotation["n"] % len(ids)]

    query_base = record_contracts.SearchQuery().load({"per_page": 50})

    def calls(on):
        def get():
            with Session(on, expire_on_commit=False) as session:
                return usecases.get_record(session, actor=actor, record_type="contact", record_id=next_id())

        def search(q):
            def run():
                with Session(on, expire_on_commit=False) as session:
                    return usecases.search_records(session, actor=actor, record_type="contact",
                                                   query={**query_base, "q": q})
            return run
        return {"get by id": get, "search 'tremblay marie'": search("tremblay marie"),
                "search 'p:514-2'": search("p:514-2")}

    results = {"started_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "database": state["database"], "machine": sysinfo.machine(), "cases": {}}
    counts = {"get by id": 300, "search 'tremblay marie'": 40, "search 'p:514-2'": 60}
    for name, call in calls(engine).items():
        print(f"inprocess: {name} …", flush=True)
        n = counts[name]
        cpu, wall = cpu_ms(call, n)
        cpu_plain, wall_plain = cpu_ms(calls(plain)[name], n)
        sample = call()
        encoded = json.dumps(sample)
        results["cases"][name] = {
            "calls": n, "cpu_ms": cpu, "wall_ms": wall, "cpu_ms_without_pre_ping": cpu_plain,
            "wall_ms_without_pre_ping": wall_plain, "result_json_bytes": len(encoded),
            "json_dumps_ms": cpu_ms(lambda s=sample: json.dumps(s), 500)[0],
            "json_loads_ms": cpu_ms(lambda e=encoded: json.loads(e), 500)[0],
            "statements": census(engine, 10, call), "cprofile": profile(call, n)}
    results["contracts"] = {
        "Actor() + load (per call, as service._actor)": cpu_ms(lambda: contracts.Actor().load(raw_actor), 2000)[0],
        "Actor() alone": cpu_ms(lambda: contracts.Actor(), 2000)[0],
        "one Actor instance, .load": cpu_ms(lambda s=contracts.Actor(): s.load(raw_actor), 2000)[0],
        "SearchQuery() + load": cpu_ms(lambda: record_contracts.SearchQuery().load({"q": "tremblay marie"}), 2000)[0],
        "one SearchQuery instance, .load": cpu_ms(lambda s=record_contracts.SearchQuery(): s.load({"q": "tremblay marie"}),
                                                  2000)[0]}
    results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    out = args.out
    name = f"cpu-{datetime.date.today():%Y-%m-%d}-inprocess"
    (out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / f"{name}.md").write_text(markdown(results))
    print(markdown(results))
    return 0


def markdown(results):
    out = [f"# The contacts read paths in process — {results['started_at'][:10]}", "",
           f"Database `{results['database']}` (1M + 100k contacts), one process, no nameko/RabbitMQ/gateway; "
           "CPU = `process_time` of this process (does not depend on the rest of the box); load average at the "
           f"start {' '.join(results['machine']['loadavg_before'])}. Engine: `carnet_common.db.get_engine` "
           "(pre-ping on), one session per call.", "",
           "| call | CPU ms | wall ms | CPU ms without pre-ping | wall ms without pre-ping | statements | result JSON "
           "bytes | json.dumps ms | json.loads ms |", "|---|---|---|---|---|---|---|---|---|"]
    for name, c in results["cases"].items():
        out.append(f"| {name} | **{c['cpu_ms']}** | {c['wall_ms']} | {c['cpu_ms_without_pre_ping']} | "
                   f"{c['wall_ms_without_pre_ping']} | {c['statements']['statements_per_call']} | "
                   f"{c['result_json_bytes']} | {c['json_dumps_ms']} | {c['json_loads_ms']} |")
    out += ["", "| contract (marshmallow) | CPU ms per call |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in results["contracts"].items()]
    for name, c in results["cases"].items():
        out += ["", f"## {name}: statements per call, SQLAlchemy's compiled cache", "",
                "| statement | cache | per call |", "|---|---|---|"]
        out += [f"| `{s['statement'].replace('|', '¦')}` | {s['cache']} | {s['per_call']} |"
                for s in c["statements"]["by_statement"]]
        out += ["", "<details><summary>cProfile, by own time</summary>", "", "```", c["cprofile"]["tottime"], "```",
                "", "</details>", "", "<details><summary>cProfile, cumulative</summary>", "", "```",
                c["cprofile"]["cumulative"], "```", "", "</details>"]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
