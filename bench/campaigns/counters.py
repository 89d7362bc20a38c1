"""Benchmark of the pre-send counters (E-4, E-11; target ≤ 2 s for 1M contacts in one organization): the audience
area's ``repository.counters`` (ONE statement) over a real session, on a fresh database built by the campaigns
migrations, with ``--contacts`` contacts of one organization seeded with SQL in the read model (``contact_refs``)
plus ``--noise`` contacts of another organization, a realistic mix:

- three lists: A holds 60 % of the contacts, B 30 %, C 20 % (they overlap);
- 3 % without a valid address, 2 % with another language, 1 % inactive, 5 % unsubscribed, 1 % of the addresses on
  the suppression list, 5 % sharing another contact's address (case changed);
- consent: 20 % express, 30 % implied (half of them lapsed), the rest none.

Each run is timed 5 times (after one warm-up) for: the administrator over lists A+B+C, A alone, A+B with
``require_express``, and a rep (S-4: only their contacts, a tenth) over A+B+C. Also ``audience_select`` (the
INSERT … FROM SELECT a send starts with) into a temporary table, once.

    .venv/bin/python bench/campaigns/counters.py [--contacts 1000000] [--noise 200000] [--no-rpc] [--out ...]

Unless ``--no-rpc``, the campaigns service is started on that database too and the admin's counters are timed
once more through RPC (``audience_counters``, as the gateway calls it).

Writes a Markdown report (``bench/results/campaigns-counters-<date>.md`` unless ``--out``) and prints it.
"""
import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
import sysinfo  # noqa: E402
from nameko.standalone.rpc import ClusterRpcProxy  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from carnet_campaigns.audience import repository  # noqa: E402
from carnet_common.bootstrap import migrate  # noqa: E402
from carnet_common.config import sqlalchemy_url  # noqa: E402
from carnet_testing import bootstrapped_env, fresh_database, rpc_config, running_services  # noqa: E402

RUNS = 5
COLUMNS = ("contact_id", "email", "email_key", "language", "first_name", "last_name")
SEED = """
INSERT INTO campaigns.contact_refs (id, org_id, email, language, subscribed, status, first_name, last_name, rep1_id,
                                    rep2_id, list_ids, version, consent_express, consent_implied_until)
SELECT :org || '-' || g, :org,
       CASE WHEN a < 1 THEN NULL
            WHEN a < 2 THEN 'broken' || g || '@nowhere'
            WHEN a < 3 THEN 'broken' || g || '.example.'
            WHEN a < 8 THEN 'Person' || (g + 1) || '@Example.COM'
            ELSE 'person' || g || '@example.com' END,
       CASE WHEN b < 2 THEN 'it' WHEN b < 40 THEN 'en' ELSE 'fr' END,
       c >= 5, CASE WHEN d < 1 THEN 'inactive' ELSE 'active' END,
       'Prénom' || g, 'Nom' || g, 'rep' || (g % 10), NULL,
       array_remove(ARRAY[CASE WHEN e < 60 THEN :la END, CASE WHEN f < 30 THEN :lb END,
                          CASE WHEN e >= 60 AND f >= 30 OR h < 20 THEN :lc END], NULL),
       1, h < 20,
       CASE WHEN h BETWEEN 20 AND 34 THEN now() + interval '300 days'
            WHEN h BETWEEN 35 AND 49 THEN now() - interval '30 days' END
FROM (SELECT g, mod(abs(hashint8(g)), 100) a, mod(abs(hashint8(g + 1000000007)), 100) b,
             mod(abs(hashint8(g + 2000000011)), 100) c, mod(abs(hashint8(g + 3000000019)), 100) d,
             mod(abs(hashint8(g + 4000000007)), 100) e, mod(abs(hashint8(g + 5000000003)), 100) f,
             mod(abs(hashint8(g + 6000000001)), 100) h
      FROM generate_series(1, :n) g) r
"""
SUPPRESS = """
INSERT INTO campaigns.suppressions (org_id, email_key, email, reason, source)
SELECT :org, 'person' || g || '@example.com', 'person' || g || '@example.com', 'unsubscribe', 'bench'
FROM generate_series(1, :n) g WHERE mod(abs(hashint8(g + 7000000001)), 100) = 0
"""


def _actor(org, lists, *, user_id="admin", is_admin=True):
    return {"org_id": org, "user_id": user_id, "is_admin": is_admin, "subordinate_ids": [], "list_ids": lists,
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False}}


def _seed(engine, *, contacts, noise):
    org, other = str(uuid.uuid4()), str(uuid.uuid4())
    lists = {name: f"{name}-{uuid.uuid4().hex[:8]}" for name in ("A", "B", "C")}
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text(SEED), {"org": org, "n": contacts, "la": lists["A"], "lb": lists["B"],
                                     "lc": lists["C"]})
        conn.execute(sa.text(SUPPRESS), {"org": org, "n": contacts})
        if noise:
            conn.execute(sa.text(SEED), {"org": other, "n": noise, "la": "X1", "lb": "X2", "lc": "X3"})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE campaigns.contact_refs"))
        conn.execute(sa.text("VACUUM ANALYZE campaigns.suppressions"))
    return org, lists, time.perf_counter() - started


def _machine():
    box = sysinfo.machine()
    return (f"Machine: {box['nproc']} CPU ({box['cpu_model']}), {box['memory_gib']} GiB, load average before "
            f"{' '.join(box['loadavg_before'])} (a box shared with other work).")


def _backend_cpu(pid):
    """CPU seconds the PostgreSQL backend ``pid`` used so far (None when /proc does not show it): the work of a
    statement whatever else the box runs."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _time(engine, function):
    times, cpu, result = [], [], None
    with Session(engine) as session:
        pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        function(session)  # warm-up (caches, plan)
        for _ in range(RUNS):
            before, started = _backend_cpu(pid), time.perf_counter()
            result = function(session)
            times.append(time.perf_counter() - started)
            after = _backend_cpu(pid)
            if before is not None and after is not None:
                cpu.append(after - before)
            session.rollback()
    return times, cpu, result


@contextlib.contextmanager
def _system(*, rpc):
    """``(database url, env, log dir)``: with ``rpc``, the campaigns service bootstrapped (a fresh database and vhost,
    as the test suites start it), else a fresh database built by the migrations (env None)."""
    if not rpc:
        with fresh_database() as url:
            url = sqlalchemy_url(url)
            migrate(str(ROOT / "services/campaigns/alembic.ini"), url)
            yield url, None, None
        return
    sys.path.insert(0, str(ROOT / "scripts"))
    from stack import SERVICES
    services = [service for service in SERVICES if service["name"] == "campaigns"]
    with bootstrapped_env(services, root=ROOT, LOG_LEVEL="WARNING") as env, \
            tempfile.TemporaryDirectory() as log_dir:
        yield sqlalchemy_url(env["DATABASE_URL"]), env, log_dir


def _rpc_times(env, log_dir, actor, list_ids):
    """Wall seconds of ``audience_counters`` called over RPC as the gateway calls it, the service running."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from stack import SERVICES
    services = [service for service in SERVICES if service["name"] == "campaigns"]
    times = []
    with running_services(services, root=ROOT, env=env, log_dir=Path(log_dir)), \
            ClusterRpcProxy(rpc_config(env), timeout=60) as proxy:
        query = {"list_ids": list_ids, "require_express": False}
        proxy.campaigns.audience_counters(actor, query)
        for _ in range(RUNS):
            started = time.perf_counter()
            proxy.campaigns.audience_counters(actor, query)
            times.append(time.perf_counter() - started)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--noise", type=int, default=200_000)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-rpc", action="store_true", help="skip the timing through the running service")
    args = parser.parse_args()
    now = datetime.now(timezone.utc)
    rows, rpc_times = [], []
    with _system(rpc=not args.no_rpc) as (url, env, log_dir):
        engine = sa.create_engine(url)
        org, lists, seeded = _seed(engine, contacts=args.contacts, noise=args.noise)
        every = [lists["A"], lists["B"], lists["C"]]
        admin = _actor(org, every)
        rep = _actor(org, every, user_id="rep3", is_admin=False)
        cases = [("admin, lists A+B+C", admin, every, False), ("admin, list A", admin, [lists["A"]], False),
                 ("admin, A+B, require_express", admin, [lists["A"], lists["B"]], True),
                 ("rep (S-4: a tenth), A+B+C", rep, every, False)]
        for name, who, list_ids, express in cases:
            times, cpu, result = _time(engine, lambda s, who=who, list_ids=list_ids, express=express: repository.counters(
                s, actor=who, list_ids=list_ids, require_express=express, now=now))
            rows.append((name, times, cpu, result))
        with Session(engine) as session:
            select = repository.audience_select(actor=admin, list_ids=every, require_express=False, now=now)
            session.execute(sa.text("CREATE TEMP TABLE audience_out (contact_id text, email text, email_key text, "
                                    "language text, first_name text, last_name text)"))
            target = sa.table("audience_out", *(sa.column(c) for c in COLUMNS))
            started = time.perf_counter()
            session.execute(sa.insert(target).from_select(list(COLUMNS), select))
            select_time = time.perf_counter() - started
            inserted = session.execute(sa.text("SELECT count(*) FROM audience_out")).scalar()
            session.rollback()
        engine.dispose()
        if env is not None:
            rpc_times = _rpc_times(env, log_dir, admin, every)
    lines = [f"# Campaigns: pre-send counters (E-4, E-11), {date.today().isoformat()}", "",
             f"`bench/campaigns/counters.py --contacts {args.contacts} --noise {args.noise}`: one organization of "
             f"{args.contacts:,} contacts in the read model (plus {args.noise:,} of another), seeded in "
             f"{seeded:.1f} s; `repository.counters` over a real session, {RUNS} runs after a warm-up. "
             "Target: ≤ 2 s.", "", _machine(), "",
             "Wall seconds depend on what else the box runs; *CPU s* is the PostgreSQL backend's CPU time for the "
             "statement (median), what it costs on an idle core.", "",
             "| case | median s | min s | max s | CPU s | total | valid | selected | duplicates | unsubscribed | "
             "invalid | no consent | expired |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, times, cpu, r in rows:
        cpu_text = f"{statistics.median(cpu):.2f}" if cpu else "n/a"
        lines.append(f"| {name} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} | {cpu_text} | "
                     f"{r['total']:,} | {r['valid']:,} | {r['selected']:,} | {r['duplicates']:,} | "
                     f"{r['unsubscribed']:,} | {r['invalid']:,} | {r['no_consent']:,} | {r['consent_expired']:,} |")
    lines += ["", f"`audience_select` (INSERT … FROM SELECT of the admin's A+B+C audience): {inserted:,} rows in "
              f"{select_time:.2f} s.", ""]
    if rpc_times:
        lines += [f"Through the running campaigns service (RPC `audience_counters`, the admin over A+B+C, {RUNS} "
                  f"calls after a warm-up): median {statistics.median(rpc_times):.3f} s, min {min(rpc_times):.3f} s, "
                  f"max {max(rpc_times):.3f} s.", ""]
    report = "\n".join(lines)
    out = args.out or ROOT / f"bench/results/campaigns-counters-{date.today().isoformat()}.md"
    out.write_text(report)
    print(report)


if __name__ == "__main__":
    main()
