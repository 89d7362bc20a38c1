"""Where an export job's time goes besides writing the sheet (issue 9 §3, phase 3: the job within 1.5× of its writer's
floor), measured in one process on a kept 1M-contact database.

    .venv/bin/python bench/contacts/export_phases.py /tmp/carnet_bench_contacts_<id>.json [--runs 3]

The job is the one ``bench/contacts/run.py --only-export`` asks the service for (its ``params``, as the gateway built
them, are read from the database's ``jobs`` table: run that once first). The same params are queued again and run by
``carnet_common.jobs.run_next_job`` as the service's timer runs them (its work engine: ``thread_engine``), in this
thread (no ``tpool``, no timer, no owner check), with each phase timed by wrapping the kit's and the use case's
functions: the claim, the selection (lists, criteria, sort), reading the rows (time spent inside the row cursor's
batches: the query, its sort and ``count(*) OVER ()``, the fetches), the progress commits, writing the sheet (the
rest of the work), and storing the file in PostgreSQL (``job_files`` chunks). Printed, and written to
``bench/results/export-phases-<date>[-name].{md,json}``.

The service adds, outside these: the wait for the 1 s timer tick that claims the job (0–1 s, 0.5 s on average), the
owner's principal asked of identity (one RPC), and ``tpool``'s hand-over.
"""
import argparse
import datetime
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
sys.path[:0] = [str(HERE), str(BENCH)]
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")

import sqlalchemy as sa  # noqa: E402
import sysinfo  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from carnet_common import config, db  # noqa: E402
from carnet_common import jobs as kit  # noqa: E402

PHASES = ("claim", "selection", "read rows", "progress commits", "write sheet (rest of the work)", "store file")


class Clock:
    def __init__(self):
        self.spent = dict.fromkeys(PHASES, 0.0)
        self.counts = dict.fromkeys(PHASES, 0)
        self.first_batch_s = None

    def add(self, phase, seconds):
        self.spent[phase] += seconds
        self.counts[phase] += 1


def instrument(clock, repository, usecases):
    """Wrap the kit's and the export's functions so that ``clock`` gets each phase's time; returns an undo."""
    undo = []

    def patch(owner, name, make):
        original = getattr(owner, name)
        setattr(owner, name, make(original))
        undo.append((owner, name, original))

    def timed(phase):
        def make(original):
            def wrapper(*args, **kwargs):
                t0 = time.perf_counter()
                try:
                    return original(*args, **kwargs)
                finally:
                    clock.add(phase, time.perf_counter() - t0)
            return wrapper
        return make

    def timed_batches(original):
        def wrapper(*args, **kwargs):
            batches = original(*args, **kwargs)
            started = time.perf_counter()
            while True:
                t0 = time.perf_counter()
                try:
                    batch = next(batches)
                except StopIteration:
                    clock.add("read rows", time.perf_counter() - t0)
                    return
                clock.add("read rows", time.perf_counter() - t0)
                if clock.first_batch_s is None:
                    clock.first_batch_s = time.perf_counter() - started
                yield batch
        return wrapper

    def timed_reporter(original):
        def make_reporter(*args, **kwargs):
            report = original(*args, **kwargs)
            return timed("progress commits")(report)
        return make_reporter

    patch(kit.JobStore, "claim", timed("claim"))
    patch(kit.JobStore, "store_file", timed("store file"))
    patch(kit, "_reporter", timed_reporter)
    patch(usecases, "_selection", timed("selection"))
    patch(repository, "stream_rows", timed_batches)

    def restore():
        for owner, name, original in reversed(undo):
            setattr(owner, name, original)
    return restore


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("state", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--name")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    args = parser.parse_args(argv)
    from carnet_contacts.exports import repository, usecases

    state = json.loads(args.state.read_text())
    url = make_url(config.database_url()).set(database=state["database"]).render_as_string(hide_password=False)
    engine = db.get_engine(url)
    store = repository.STORE
    with engine.connect() as conn:
        row = conn.execute(sa.select(store.jobs.c.params, store.jobs.c.created_at, store.jobs.c.updated_at)
                           .where(store.jobs.c.kind == "export_contacts", store.jobs.c.status == "done")
                           .order_by(store.jobs.c.created_at.desc()).limit(1)).first()
    if row is None:
        raise SystemExit("no finished export job in this database: run bench/contacts/run.py --reuse STATE "
                         "--only-export once first")
    params = row.params
    settings = kit.ExportSettings.from_env()
    work = dict.fromkeys(usecases.KINDS.values(), usecases.export_job)
    runs = []
    for run in range(args.runs):
        clock = Clock()
        restore = instrument(clock, repository, usecases)
        job_id = kit.new_job_id("contacts")
        try:
            with Session(engine) as session, session.begin():
                store.create(session, job_id=job_id, actor=params["actor"], kind="export_contacts", params=params)
            load0, t0 = os.getloadavg()[0], time.perf_counter()
            cpu0 = time.process_time()
            ran = kit.run_next_job(engine, store, work=work, settings=settings, failure="export_failed",
                                   work_engine=kit.thread_engine(engine))
            total, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        finally:
            restore()
        with engine.connect() as conn:
            job = conn.execute(sa.select(store.jobs).where(store.jobs.c.id == job_id)).mappings().one()
            conn.execute(store.jobs.delete().where(store.jobs.c.id == job_id))
            conn.commit()
        if not ran or job["status"] != "done":
            raise SystemExit(f"the job did not finish: {dict(job)}")
        phases = {phase: round(clock.spent[phase], 3) for phase in PHASES}
        # The sheet's writing is the work's time minus what the other phases took inside it.
        accounted = sum(v for k, v in clock.spent.items() if k != "write sheet (rest of the work)")
        phases["write sheet (rest of the work)"] = round(total - accounted, 3)
        runs.append({"total_s": round(total, 3), "process_cpu_s": round(cpu, 3), "phases_s": phases,
                     "calls": {k: v for k, v in clock.counts.items() if v},
                     "first_batch_s": round(clock.first_batch_s or 0, 3), "rows_chunks": job["result_chunks"],
                     "size_bytes": job["result_size"], "loadavg": [round(load0, 2), round(os.getloadavg()[0], 2)]})
        print(f"export_phases: run {run + 1}: {runs[-1]['total_s']} s {phases}", flush=True)
    results = {"started_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
               "command": "python bench/contacts/export_phases.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "database": state["database"], "query": params["request"]["query"], "runs": runs,
               "machine": sysinfo.machine(), "source": sysinfo.source_state(BENCH.parent)}
    md = markdown(results)
    print(md)
    stem = f"export-phases-{datetime.date.today():%Y-%m-%d}" + (f"-{args.name}" if args.name else "")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    (args.out / f"{stem}.md").write_text(md)
    return 0


def markdown(results):
    runs = results["runs"]
    lines = [f"# Export job phases — {results['started_at']}", "",
             f"Command: `{results['command']}`; database `{results['database']}`; query "
             f"`{json.dumps(results['query'], ensure_ascii=False)}`. The job run in process by "
             "`carnet_common.jobs.run_next_job` (no timer wait, no owner check, no tpool).", "",
             "| phase | " + " | ".join(f"run {i + 1} s" for i in range(len(runs))) + " | median s | calls |",
             "|---|" + "---|" * (len(runs) + 2)]
    for phase in PHASES:
        values = [r["phases_s"][phase] for r in runs]
        lines.append(f"| {phase} | " + " | ".join(str(v) for v in values)
                     + f" | **{round(statistics.median(values), 2)}** | {runs[-1]['calls'].get(phase, '')} |")
    totals = [r["total_s"] for r in runs]
    lines.append("| **job (claim → stored)** | " + " | ".join(str(v) for v in totals)
                 + f" | **{round(statistics.median(totals), 2)}** | |")
    lines += ["", f"First batch of rows after {', '.join(str(r['first_batch_s']) for r in runs)} s (the query's sort "
              "and count before any row). Process CPU s: "
              + ", ".join(str(r["process_cpu_s"]) for r in runs) + f"; load average {[r['loadavg'] for r in runs]}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
