"""Opportunities benchmark (issue 5): 200,000 opportunities and 1,000,000 tasks on top of the contacts bench data.

    .venv/bin/python bench/contacts/run.py --keep-db --skip-export          # 1M contacts, state in /tmp/<db>.json
    .venv/bin/python bench/opportunities/run.py --reuse /tmp/<db>.json       # full: 200,000 + 1,000,000
    .venv/bin/python bench/opportunities/run.py --quick --contacts 20000     # standalone smoke: 20k/20k/100k

Steps: the contacts bench database (kept by ``bench/contacts/run.py --keep-db`` and named by its state file, or
seeded here with the contacts bench's own functions), the real stack with identity, contacts and opportunities
(the bootstrap migrates the opportunities schema into it), the stages and 50 assignees through the gateway API,
the opportunities schema seeded server-side (seed.py), then latency over HTTP with one warm client then 8:
opportunities list (O-4 order, stage filter), task board of one user, dashboard for a year (organization and one
user), contacts filter with the action criterion ``opportunity.stage_id eq …`` (C-12); and EXPLAIN (ANALYZE,
BUFFERS) of the SQL the use cases issue for each case. Writes bench/results/opportunities-<date>[-quick].{md,json}.
"""
import argparse
import datetime
import importlib.util
import json
import random
import shutil
import socket
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
CONTACTS = BENCH / "contacts"
# The contacts bench's modules are imported by their plain names (seed, httpload, probes…): this directory, whose
# seed.py and report_md.py would shadow them, leaves the path and is imported as the package ``opportunities``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path[:0] = [str(CONTACTS), str(BENCH), str(ROOT / "scripts")]


def _load_contacts_run():
    spec = importlib.util.spec_from_file_location("contacts_run", CONTACTS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contacts_run = _load_contacts_run()

import httpload  # noqa: E402
import probes  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import stack as stack_module  # noqa: E402
import sysinfo  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from stack import Stack  # noqa: E402

import carnet_testing as testing  # noqa: E402
from opportunities import report_md  # noqa: E402
from opportunities import seed as opp_seed  # noqa: E402

SERVICES = ("identity", "contacts", "opportunities")
TARGETS = {"list": 100, "board": 100, "dashboard": 200, "criteria": 200}
FULL = {"opportunities": 200_000, "tasks": 1_000_000, "users": 50, "single": 200, "concurrent": 400,
        "max_seconds": 60}
QUICK = {"opportunities": 20_000, "tasks": 100_000, "users": 50, "single": 40, "concurrent": 80, "max_seconds": 20}
EXPLAINED_PROBABILITY = 10  # the largest open stage


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", type=Path, metavar="STATE",
                        help="a contacts bench database kept with bench/contacts/run.py --keep-db (its state file)")
    parser.add_argument("--quick", action="store_true", help="20,000 opportunities, 100,000 tasks, fewer requests; "
                                                             "standalone: the contacts bench's --quick size")
    parser.add_argument("--contacts", type=int, help="standalone: contacts of organization A (as bench/contacts)")
    parser.add_argument("--opportunities", type=int, help="opportunities of organization A")
    parser.add_argument("--tasks", type=int, help="tasks of organization A")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the second pass")
    parser.add_argument("--keep-db", action="store_true", help="standalone: keep the database (state files in /tmp)")
    parser.add_argument("--reseed", action="store_true",
                        help="with --reuse: seed the opportunities again even if this bench already seeded them")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--name", help="results file stem (default opportunities-<date>[-quick])")
    args = parser.parse_args(argv)
    args.size = dict(QUICK if args.quick else FULL)
    for key in ("opportunities", "tasks"):
        if getattr(args, key):
            args.size[key] = getattr(args, key)
    contacts_args = ["--quick"] if args.quick else []
    if args.contacts:
        contacts_args += ["--contacts", str(args.contacts)]
    args.contacts_size = contacts_run.parse_args(contacts_args).size
    return args


def free_offset():
    """An offset so that every service's HTTP port (``http_port`` + offset) is free."""
    ports = [s["http_port"] for s in stack_module.SERVICES]
    for _ in range(200):
        offset = random.randint(1000, 20000)
        try:
            for port in ports:
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port + offset))
            return offset
        except OSError:
            continue
    raise RuntimeError("no free port set")


def psycopg_url(database_url):
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


# Setup through the API ------------------------------------------------------------------------------------

def contacts_data(base, database_url, database, reuse, args, results):
    """Organizations A and B with their seeded contacts: reused (state file) or seeded now."""
    if reuse:
        print(f"bench: reusing database {database} (contacts seeded {reuse['seeded_at']}) …", flush=True)
        orgs = reuse["orgs"]
        for org in orgs.values():
            org["admin_token"] = contacts_run.login(base, f"admin.{org['tag'].lower()}")
        results["contacts_seed"] = reuse["seed"]
        results["contacts_seeded_at"] = reuse["seeded_at"]
        return orgs
    size = args.contacts_size
    t0 = time.perf_counter()
    print("bench: organizations, users, lists, custom fields through the API (contacts bench setup) …", flush=True)
    orgs = {"A": contacts_run.setup_org(base, "A", lists=size["a_lists"], reps=9, limited=True),
            "B": contacts_run.setup_org(base, "B", lists=size["b_lists"], reps=2)}
    results["api_setup_s"] = round(time.perf_counter() - t0, 1)
    print(f"bench: seeding {size['a_contacts']:,} + {size['b_contacts']:,} contacts (contacts bench seed) …",
          flush=True)
    results["contacts_seed"] = contacts_run.seed_all(database_url, orgs, size)
    if args.keep_db:
        contacts_run._write_state(database, size, orgs, results["contacts_seed"])
    return orgs


def ensure_users(base, org, wanted):
    """The bench's ``wanted`` assignees: the contacts bench's users of A, then ``assigneeNN.a`` users made through
    the API (found again when a reused database already has them)."""
    token = org["admin_token"]
    existing = {u["username"]: u["id"] for u in
                contacts_run.api(base, "GET", "/users?per_page=200", token=token)["items"]}
    users, i = list(org["rep_ids"]), 0
    while len(users) < wanted:
        username = f"assignee{i:02d}.{org['tag'].lower()}"
        if username not in existing:
            existing[username] = contacts_run.api(base, "POST", "/users", {
                "username": username, "password": contacts_run.PASSWORD, "full_name": f"Assigné {i:02d}",
                "email": f"{username}@bench.example.com"}, token=token, expect=(201,))["id"]
        users.append(existing[username])
        i += 1
    return users[:wanted]


def setup_opportunities(base, org, size):
    """Stages (created by the service on first use, O-3) and the assignees of organization A."""
    t0 = time.perf_counter()
    stages = contacts_run.api(base, "GET", "/stages", token=org["admin_token"])
    users = ensure_users(base, org, size["users"])
    return {"stages": sorted((s["probability"], s["id"]) for s in stages), "users": users,
            "seconds": round(time.perf_counter() - t0, 1)}


def seed_opportunities(database_url, database, orgs, setup, args, reuse, contacts_size):
    """The opportunities seed, skipped when this bench already seeded the reused database with the same sizes."""
    state_path = Path(f"/tmp/{database}.opportunities.json")
    if reuse and state_path.exists() and not args.reseed:
        state = json.loads(state_path.read_text())
        if {k: state["size"][k] for k in ("opportunities", "tasks")} == \
                {k: args.size[k] for k in ("opportunities", "tasks")}:
            print(f"bench: opportunities already seeded in {database} ({state_path}); --reseed to seed again",
                  flush=True)
            return {**state["seed"], "reused": True}
    a = orgs["A"]
    anchor = datetime.datetime.now(datetime.timezone.utc).date()
    print(f"bench: seeding {args.size['opportunities']:,} opportunities and {args.size['tasks']:,} tasks …",
          flush=True)
    result = opp_seed.seed_all(psycopg_url(database_url), org=a["org_id"], admin_id=a["admin_id"],
                               rep_ids=a["rep_ids"], users=setup["users"], stages=setup["stages"], size=args.size,
                               contacts=contacts_size["a_contacts"], accounts=contacts_size["a_accounts"],
                               anchor=anchor)
    if reuse or args.keep_db:
        state_path.write_text(json.dumps({"size": args.size, "seed": result}, default=str))
        print(f"bench: opportunities seed state written to {state_path}", flush=True)
    return result


# Cases ----------------------------------------------------------------------------------------------------

def stage_criteria(stage_id):
    return {"op": "and", "items": [{"field": "opportunity.stage_id", "cmp": "eq", "value": stage_id}]}


def cases(orgs, setup, year, contacts_size):
    """``(label, token, paths, target key, required by the issue)`` for every measured case."""
    a = orgs["A"]
    stage_ids = [sid for _, sid in setup["stages"]]
    users = setup["users"]
    period = f"from={year}-01-01&to={year}-12-31"
    admin, limited = a["admin_token"], a["limited_token"]
    return [
        ("opportunities: O-4 order, stage filter (admin A)", admin,
         [f"/api/v1/opportunities?stage={sid}&per_page=50" for sid in stage_ids], "list", True),
        ("opportunities: O-4 order, stage filter (limited user: 5 lists, own accounts)", limited,
         [f"/api/v1/opportunities?stage={sid}&per_page=50" for sid in stage_ids], "list", False),
        ("opportunities: O-4 order, no filter, pages 1-5 (admin A)", admin,
         [f"/api/v1/opportunities?per_page=50&page={n}" for n in range(1, 6)], "list", False),
        ("task board of one user (admin A, assignee_id over the 50 users)", admin,
         [f"/api/v1/tasks/board?assignee_id={u}" for u in users], "board", True),
        ("task board: the limited user's own", limited,
         [f"/api/v1/tasks/board?assignee_id={a['limited_id']}"], "board", False),
        (f"dashboard: year {year}, whole organization (admin A)", admin, [f"/api/v1/dashboard?{period}"],
         "dashboard", True),
        (f"dashboard: year {year}, one user (admin A, user_id over the 50 users)", admin,
         [f"/api/v1/dashboard?{period}&user_id={u}" for u in users], "dashboard", True),
        (f"contacts filter: opportunity.stage_id eq <stage> ({contacts_size['a_contacts']:,} contacts, admin A)",
         admin, [contacts_run.search_path(criteria=stage_criteria(sid)) for sid in stage_ids], "criteria", True),
        (f"contacts filter: task.type eq <type> ({contacts_size['a_contacts']:,} contacts, admin A)", admin,
         [contacts_run.search_path(criteria={"op": "and", "items": [{"field": "task.type", "cmp": "eq", "value": t}]})
          for t in opp_seed.TYPE_SHARES], "criteria", False),
    ]


def measure_http(base, case_list, args):
    results = []
    for label, token, paths, target, required in case_list:
        row = {"case": label, "target_key": target, "target_p95_ms": TARGETS[target], "required": required,
               "inputs": len(paths), "example": paths[0]}
        for key, clients, requests, warmup in (("single", 1, args.size["single"], 10),
                                               ("concurrent", args.clients, args.size["concurrent"], 3)):
            print(f"bench: {label}: {clients} client(s) × {requests} …", flush=True)
            row[key] = httpload.run(base, token, paths, requests=requests, clients=clients, warmup=warmup,
                                    max_seconds=args.size["max_seconds"])
            contacts_run._progress(row[key])
        results.append(row)
    return results


def explain_all(database_url, orgs, setup, year):
    """EXPLAIN (ANALYZE, BUFFERS) of every statement the use cases behind the HTTP cases issue, in process."""
    from carnet_contacts.records import usecases as contacts_usecases
    from carnet_opportunities.dashboard import usecases as dashboard
    from carnet_opportunities.opportunities import usecases
    from carnet_opportunities.tasks import usecases as task_usecases

    # As the services' sessions run (carnet_common.db: no JIT), without their statement timeout so that a slow
    # statement is still explained.
    engine = sa.create_engine(database_url, connect_args={"options": "-c jit=off"})
    log = probes.StatementLog(engine)
    a = orgs["A"]
    flags = {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False}
    common = {"org_id": a["org_id"], "flags": flags, "subordinate_ids": [], "language": "fr",
              "timezone": "America/Toronto", "request_id": None}
    admin = {**common, "user_id": a["admin_id"], "is_admin": True, "list_ids": a["list_ids"]}
    limited = {**common, "user_id": a["limited_id"], "is_admin": False,
               "list_ids": [a["list_ids"][n - 1] for n in contacts_run.LIMITED_LISTS]}
    stage_id = dict(setup["stages"])[EXPLAINED_PROBABILITY]
    user = setup["users"][-1]  # an assignee made by this bench (users[1] is the limited user)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)

    def opportunities(actor, **query):
        return lambda s: usecases.search_opportunities(s, actor=actor, query={"page": 1, "per_page": 50, **query})

    def board(actor, assignee):
        return lambda s: task_usecases.list_tasks(s, actor=actor, query={"view": "board", "assignee_id": assignee,
                                                                         "page": 1, "per_page": 50})

    def dash(**query):
        return lambda s: dashboard.get_dashboard(s, actor=admin, query={"date_from": first, "date_to": last, **query})

    contacts_admin = {"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True, "flags": {},
                      "subordinate_ids": []}
    criteria = json.dumps(stage_criteria(stage_id))
    task_criteria = json.dumps({"op": "and", "items": [{"field": "task.type", "cmp": "eq", "value": "meeting"}]})
    case_list = [
        (f"opportunities, stage {EXPLAINED_PROBABILITY} % (admin)", opportunities(admin, stage=stage_id)),
        (f"opportunities, stage {EXPLAINED_PROBABILITY} % (limited user)", opportunities(limited, stage=stage_id)),
        ("opportunities, no filter (admin)", opportunities(admin)),
        ("task board of one user (admin)", board(admin, user)),
        ("task board: the limited user's own", board(limited, a["limited_id"])),
        (f"dashboard {year}, whole organization (admin)", dash()),
        (f"dashboard {year}, one user (admin)", dash(user_id=user)),
        (f"contacts filter opportunity.stage_id eq <{EXPLAINED_PROBABILITY} %> (admin)",
         lambda s: contacts_usecases.search_records(s, actor=contacts_admin, record_type="contact",
                                                    query={"page": 1, "per_page": 50, "criteria": criteria})),
        ("contacts filter task.type eq meeting (admin)",
         lambda s: contacts_usecases.search_records(s, actor=contacts_admin, record_type="contact",
                                                    query={"page": 1, "per_page": 50, "criteria": task_criteria})),
    ]
    out = []
    for label, call in case_list:
        print(f"bench: EXPLAIN {label} …", flush=True)
        out.append({"case": label, **probes.explain_case(engine, log, call)})
    engine.dispose()
    return out


# Main -----------------------------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    stack_module.SERVICES[:] = [s for s in stack_module.SERVICES if s["name"] in SERVICES]
    reuse = json.loads(args.reuse.read_text()) if args.reuse else None
    contacts_size = reuse["size"] if reuse else args.contacts_size
    started = datetime.datetime.now().astimezone()
    name = args.name or f"opportunities-{started:%Y-%m-%d}" + ("-quick" if args.quick else "")
    log_path = Path(f"/tmp/carnet-bench-opportunities-{started:%Y%m%d-%H%M%S}.log")
    results = {"name": name, "started_at": started.isoformat(timespec="seconds"),
               "command": "python bench/opportunities/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "size": args.size, "contacts_size": contacts_size, "targets": TARGETS, "machine": sysinfo.machine(),
               "versions": sysinfo.versions(), "clients": args.clients, "mode": "reuse" if reuse else "standalone"}
    print(f"bench: stack log in {log_path}", flush=True)
    port, offset = contacts_run.free_port(), free_offset()
    with contacts_run.bench_database(args.keep_db, reuse) as (database_url, admin_url, database), \
            testing.fresh_vhost("carnet_bench") as amqp_uri, open(log_path, "w") as log:
        prefix = testing.fresh_redis_prefix()
        env = testing.test_env(database_url, amqp_uri, prefix, GATEWAY_THREADS=8,
                               READINESS_SERVICES=",".join(SERVICES))
        stack = Stack(env, gateway_port=port, port_offset=offset, log=log, gateway_workers=2)
        try:
            results["database"] = database
            results["postgres"] = contacts_run.pg_settings(database_url)
            t0 = time.perf_counter()
            print("bench: migrations (identity, contacts, opportunities) and bootstrap …", flush=True)
            stack.bootstrap()
            results["migrate_s"] = round(time.perf_counter() - t0, 1)
            stack.start(timeout=120)
            orgs = contacts_data(stack.url, database_url, database, reuse, args, results)
            contacts_run.grant_and_select(stack.url, orgs)
            setup = setup_opportunities(stack.url, orgs["A"], args.size)
            results["api_setup_opportunities_s"] = setup["seconds"]
            results["stages"] = setup["stages"]
            results["seed"] = seed_opportunities(database_url, database, orgs, setup, args, reuse, contacts_size)
            print(f"  integrity: {results['seed']['integrity']}; line totals vs lines.py: "
                  f"{results['seed']['lines_check']['mismatches']} mismatches", flush=True)
            year = datetime.date.fromisoformat(results["seed"]["anchor"]).year
            results["year"] = year
            results["http"] = measure_http(stack.url, cases(orgs, setup, year, contacts_size), args)
            results["explain"] = explain_all(database_url, orgs, setup, year)
        finally:
            stack.stop()
            contacts_run._drop_redis_prefix(env, prefix)
            shutil.rmtree(f"/tmp/carnet-gateway-metrics-{port}", ignore_errors=True)
    results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["loadavg_end"] = httpload.loadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    md_path, json_path = report_md.write(results, args.out, name)
    print(report_md.summary(results))
    print(f"\nbench: wrote {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
