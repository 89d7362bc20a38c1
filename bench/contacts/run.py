"""Contacts benchmark (issue 4): seed 1M + 100k contacts, then search, filter, get and export through the gateway.

    .venv/bin/python bench/contacts/run.py            # full: 1,000,000 + 100,000 contacts (~15 min)
    .venv/bin/python bench/contacts/run.py --quick    # smoke: 50,000 + 5,000 contacts
    .venv/bin/python bench/contacts/run.py --keep-db  # leave the bench database behind (its name is printed)
    .venv/bin/python bench/contacts/run.py --reuse STATE --only-export   # the export job and the writer's floor

Steps: a fresh database migrated by the real migrations (the stack's bootstrap), organizations, users,
lists and custom fields through the gateway API, contacts seeded server-side (seed.py, norms checked
against norms.py), the real stack (scripts/stack.py) measured over HTTP with one warm client then 8,
an export job of ~100,000 contacts with the peak memory of every process involved, and EXPLAIN (ANALYZE,
BUFFERS) of the SQL the service runs for each case. Writes bench/results/contacts-<date>.{md,json}.
"""
import argparse
import contextlib
import datetime
import importlib.util
import json
import os
import random
import shutil
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path[:0] = [str(HERE), str(BENCH), str(ROOT / "scripts")]

import httpload  # noqa: E402
import pools  # noqa: E402
import probes  # noqa: E402
import psycopg  # noqa: E402
import report_md  # noqa: E402
import seed  # noqa: E402
import stack as stack_module  # noqa: E402
import sysinfo  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from stack import Stack  # noqa: E402

import carnet_testing as testing  # noqa: E402
from carnet_common import config, redis_keys  # noqa: E402

PASSWORD = "bench-password-2026"
# The benchmark needs identity, contacts and the gateway only (other services may be mid-change in the tree).
SERVICES = ("identity", "contacts")
TARGETS = {"search_p95_ms": 150, "get_p95_ms": 20, "export_s": 30, "export_rss_mib": 300}
UNREACHED_REQUESTS_PER_MINUTE = 1_000_000_000   # the per-user API cap, lifted out of reach (as bench/cpu does)
FULL = {"a_contacts": 1_000_000, "a_accounts": 20_000, "a_lists": 50, "b_contacts": 100_000, "b_accounts": 2_000,
        "b_lists": 5, "single": 200, "concurrent": 400, "get_single": 500, "get_concurrent": 800,
        "max_seconds": 60}
QUICK = {"a_contacts": 50_000, "a_accounts": 1_000, "a_lists": 50, "b_contacts": 5_000, "b_accounts": 100,
         "b_lists": 5, "single": 40, "concurrent": 80, "get_single": 100, "get_concurrent": 160,
         "max_seconds": 20}
LIMITED_LISTS = (3, 7, 12, 20, 33)   # 1-based list numbers granted to and selected by the limited user
FILTER_LISTS = [(3, 7, 12), (1, 5, 9), (2, 14, 27), (4, 8, 16), (6, 11, 30)]
POLL_S = 0.25   # the export job's status is read this often
QUEUED_POLL_S = 0.05   # and this often while it is queued: when it starts (the runner's tick or doorbell) is measured


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 + 5,000 contacts, fewer requests")
    parser.add_argument("--contacts", type=int, help="contacts of organization A (B gets a tenth)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the second pass")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the bench database")
    parser.add_argument("--reuse", type=Path, metavar="STATE",
                        help="measure again on a database kept by --keep-db (its state file), without seeding")
    parser.add_argument("--skip-export", action="store_true")
    parser.add_argument("--seed-only", action="store_true",
                        help="with --keep-db: seed and write the state file, measure nothing (bench/cpu --reuse it)")
    parser.add_argument("--only-export", action="store_true",
                        help="with --reuse: only the export job, after the writer alone on 100k x 25 cells (--floors)")
    parser.add_argument("--floors", default="product",
                        help="bench/xlsx writers timed alone before the export job (comma-separated, '' for none)")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--name", help="results file stem (default contacts-<date>[-quick])")
    args = parser.parse_args(argv)
    if args.only_export and not args.reuse:
        parser.error("--only-export needs --reuse STATE (a seeded database)")
    if args.seed_only and (args.reuse or not args.keep_db):
        parser.error("--seed-only needs --keep-db (and no --reuse): the seeded database is its only result")
    args.size = dict(QUICK if args.quick else FULL)
    if args.contacts:
        args.size.update(a_contacts=args.contacts, a_accounts=max(100, args.contacts // 50),
                         b_contacts=max(1000, args.contacts // 10), b_accounts=max(20, args.contacts // 500))
    return args


# Infrastructure ---------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_offset():
    """An offset so that the services' HTTP ports (8101 + o, 8102 + o) are free."""
    for _ in range(200):
        offset = random.randint(1000, 20000)
        try:
            for port in (8101 + offset, 8102 + offset):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return offset
        except OSError:
            continue
    raise RuntimeError("no free port pair")


@contextlib.contextmanager
def bench_database(keep, reuse=None):
    base = make_url(config.database_url())
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    if reuse:
        keep, name = True, reuse["database"]
    else:
        name = testing.unique_name("carnet_bench_contacts")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False), admin, name
    finally:
        if keep:
            print(f"bench: kept database {name}")
        else:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def api(base, method, path, body=None, token=None, expect=(200,)):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + "/api/v1" + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    if status not in expect:
        raise SystemExit(f"{method} {path}: HTTP {status}: {payload[:500]!r}")
    return json.loads(payload) if payload and payload[:1] in b"{[" else payload


def login(base, username):
    return api(base, "POST", "/auth/login", {"username": username, "password": PASSWORD})["token"]


# Setup through the API ------------------------------------------------------------------------------------

CUSTOM_FIELDS = [{"key": "secteur", "type": "single_choice", "label_fr": "Secteur", "label_en": "Industry",
                  "choices": pools.SECTORS},
                 {"key": "score", "type": "number", "label_fr": "Pointage", "label_en": "Score"},
                 {"key": "rappel", "type": "date", "label_fr": "Rappel", "label_en": "Follow-up"}]


def setup_org(base, tag, *, lists, reps, limited=False):
    admin_name = f"admin.{tag.lower()}"
    signup = api(base, "POST", "/organizations", {
        "name": f"Bench {tag} inc.", "plan": "professional", "language": "fr",
        "admin": {"username": admin_name, "password": PASSWORD, "full_name": f"Admin {tag}",
                  "email": f"{admin_name}@bench.example.com"}}, expect=(201,))
    org = {"tag": tag, "org_id": signup["organization"]["id"], "admin_id": signup["user"]["id"]}
    org["admin_token"] = login(base, admin_name)
    token = org["admin_token"]
    role_id = api(base, "POST", "/roles", {"name": "Représentant"}, token=token, expect=(201,))["id"]
    rep_ids = [org["admin_id"]]
    for i in range(reps):
        username = f"rep{i:02d}.{tag.lower()}"
        user = api(base, "POST", "/users", {"username": username, "password": PASSWORD,
                                            "full_name": f"Représentant {i:02d} {tag}",
                                            "email": f"{username}@bench.example.com", "role_id": role_id},
                   token=token,
                   expect=(201,))
        rep_ids.append(user["id"])
        if limited and i == 0:  # a plain user: no all_contacts, default role
            org["limited_id"], org["limited_username"] = user["id"], username
    org["rep_ids"] = rep_ids
    org["list_ids"] = [api(base, "POST", "/lists", {"name": f"Liste {i:02d} — {tag}"}, token=token,
                           expect=(201,))["id"] for i in range(1, lists + 1)]
    for field in CUSTOM_FIELDS:
        api(base, "POST", "/custom-fields/contacts", field, token=token, expect=(201,))
    return org


def grant_and_select(base, orgs):
    a = orgs["A"]
    for number in LIMITED_LISTS:
        api(base, "PUT", f"/lists/{a['list_ids'][number - 1]}/grants", {"user_ids": [a["limited_id"]]},
            token=a["admin_token"])
    a["limited_token"] = login(base, a["limited_username"])
    api(base, "PUT", "/me/selected-lists", {"list_ids": [a["list_ids"][n - 1] for n in LIMITED_LISTS]},
        token=a["limited_token"])
    for org in orgs.values():
        api(base, "PUT", "/me/selected-lists", {"list_ids": org["list_ids"]}, token=org["admin_token"])


# Seeding --------------------------------------------------------------------------------------------------

def seed_all(database_url, orgs, size):
    timer = seed.Timer()
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET maintenance_work_mem = '512MB'")
        for statement in seed.FUNCTIONS.split(";\n"):
            if statement.strip():
                conn.execute(statement)
        definitions = timer.step("drop the secondary indexes of the migrations", seed.drop_secondary_indexes, conn)
        members = {}
        for tag in ("A", "B"):
            org = orgs[tag]
            members[tag] = _seed_org(conn, timer, tag, org, size)
        seed.rebuild_indexes(conn, timer, definitions)
        orphans = timer.step("integrity check (keys the load did not check)", seed.check_integrity, conn)
        timer.step("VACUUM ANALYZE", _vacuum, conn)
        conn.execute("DROP SCHEMA bench_seed CASCADE")
        verification = seed.verify(conn)
        counts = conn.execute("""SELECT (SELECT count(*) FROM contacts.contacts), (SELECT count(*) FROM contacts.accounts),
                                        (SELECT count(*) FROM contacts.list_members),
                                        pg_size_pretty(pg_total_relation_size('contacts.contacts')),
                                        pg_size_pretty(pg_relation_size('contacts.contacts'))""").fetchone()
        sizes = conn.execute("""SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid)) FROM pg_class c
                                JOIN pg_namespace n ON n.oid = c.relnamespace
                                WHERE n.nspname = 'contacts' AND c.relkind = 'i'
                                  AND pg_relation_size(c.oid) > 8 * 1024 * 1024
                                ORDER BY pg_relation_size(c.oid) DESC""").fetchall()
        matches = _match_counts(conn, orgs["A"])
    steps = timer.steps
    load = sum(s["seconds"] for s in steps if s["step"].startswith("org "))
    indexes = sum(s["seconds"] for s in steps if s["step"].startswith("index "))
    return {"steps": steps, "load_s": round(load, 1), "indexes_s": round(indexes, 1),
            "total_s": round(sum(s["seconds"] for s in steps), 1), "memberships": members,
            "orphans": {"memberships_without_contact": orphans[0], "contacts_with_missing_account": orphans[1],
                        "contacts_in_no_list": orphans[2]},
            "norms_check": verification,
            "rows": {"contacts": counts[0], "accounts": counts[1], "list_members": counts[2]},
            "contacts_total_size": counts[3], "contacts_heap_size": counts[4],
            "index_sizes": [{"index": n, "size": s} for n, s in sizes], "match_counts": matches}


def _seed_org(conn, timer, tag, org, size):
    key = tag.lower()
    return seed.seed_org(conn, timer, tag=tag, org_id=org["org_id"], admin_id=org["admin_id"],
                         rep_ids=org["rep_ids"], list_ids=org["list_ids"], contacts=size[f"{key}_contacts"],
                         accounts=size[f"{key}_accounts"])


def _vacuum(conn):
    for table in ("contacts", "accounts", "list_members", "account_members"):
        conn.execute(f"VACUUM ANALYZE contacts.{table}")


def _match_counts(conn, org):
    """How many contacts of A match the anchor terms (for reading the latencies)."""
    q = """SELECT count(*) FILTER (WHERE search_norm LIKE '%%tremblay%%'),
                  count(*) FILTER (WHERE search_norm LIKE '%%marie%%'),
                  count(*) FILTER (WHERE search_norm LIKE '%%tremblay%%' AND search_norm LIKE '%%marie%%'),
                  count(*) FILTER (WHERE eff_city_norm LIKE '%%montr%%'),
                  count(*) FILTER (WHERE title = 'Directeur général'),
                  count(*) FILTER (WHERE rep1_id = %(lim)s OR rep2_id = %(lim)s),
                  count(*) FILTER (WHERE (custom->>'score')::int <= 100)
           FROM contacts.contacts WHERE org_id = %(org)s"""
    row = conn.execute(q, {"org": org["org_id"], "lim": org["limited_id"]}).fetchone()
    scope = conn.execute("SELECT count(DISTINCT contact_id) FROM contacts.list_members WHERE list_id = ANY(%s)",
                         ([org["list_ids"][n - 1] for n in LIMITED_LISTS],)).fetchone()[0]
    return {"tremblay": row[0], "marie": row[1], "tremblay+marie": row[2], "eff_city montr": row[3],
            "title 'Directeur général'": row[4], "rep1/rep2 = limited user": row[5], "score <= 100": row[6],
            "limited user's 5 lists": scope}


# Query pools ----------------------------------------------------------------------------------------------

def _skewed(rng, values, skew):
    return values[min(len(values) - 1, int(len(values) * rng.random() ** skew))]


def query_pools(database_url, org, size):
    rng = random.Random(4)
    plain = ["tremblay marie", "Côté Jean", "gagnon sylvie", "roy michel", "BOUCHARD nathalie", "lévesque éric"]
    while len(plain) < 60:
        last, first = _skewed(rng, pools.LAST_NAMES, 1.4), _skewed(rng, pools.FIRST_NAMES, 1.4)
        plain.append(f"{last} {first}" if rng.random() < 0.5 else f"{first.lower()} {last.lower()}")
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:
        digits = [r[0].split()[0] for r in conn.execute(
            "SELECT phone_digits FROM contacts.contacts TABLESAMPLE SYSTEM (1) REPEATABLE (3) "
            "WHERE org_id = %s AND phone_digits <> '' LIMIT 200", (org["org_id"],))]
    phones = []
    for i, d in enumerate(digits):
        layout = i % 4
        phones.append([f"p:{d[:3]}-{d[3:6]}-{d[6:]}", f"p:({d[:3]}) {d[3:6]}", f"p:{d[3:]}", f"p:+1 {d}"][layout])
    cities = ['c:montr', 'c:quebec', 'c:laval', 'c:gatineau', 'c:sherbrooke', 'c:"trois-rivieres"', 'c:levis',
              'c:saguenay', 'c:toronto', 'c:brossard', 'c:granby', 'c:rimouski', 'c:montreal', 'c:longueuil',
              'c:"saint-jerome"', 'c:magog']
    filters = []
    for i, (city, title) in enumerate([(c, t) for c in ("montr", "queb", "laval", "gatin", "sherb")
                                       for t in ("Directeur général", "Directrice générale", "Président",
                                                 "Comptable", "Représentant")]):
        lists = FILTER_LISTS[i % len(FILTER_LISTS)]
        filters.append({"op": "and", "items": [
            {"field": "account.city", "cmp": "contains", "value": city},
            {"field": "title", "cmp": "eq", "value": title},
            {"op": "or", "items": [{"field": "list", "cmp": "eq", "value": org["list_ids"][n - 1]}
                                   for n in lists]}]})
    ids = [seed.contact_id(org["org_id"], rng.randint(1, size["a_contacts"])) for _ in range(1000)]
    return {"plain": plain, "phone": phones, "city": cities, "filter": filters, "ids": ids}


def search_path(q=None, criteria=None):
    params = {"per_page": 50}
    if q:
        params["q"] = q
    if criteria:
        params["criteria"] = json.dumps(criteria, ensure_ascii=False)
    return "/api/v1/contacts?" + urllib.parse.urlencode(params)


# Measurements ---------------------------------------------------------------------------------------------

def measure_http(base, orgs, qp, args):
    a = orgs["A"]
    cases = [
        ("search: 2 plain terms (admin A)", a["admin_token"], [search_path(q) for q in qp["plain"]], "search"),
        ("search: p: phone digits", a["admin_token"], [search_path(q) for q in qp["phone"]], "search"),
        ("search: c: city", a["admin_token"], [search_path(q) for q in qp["city"]], "search"),
        ("filter: account.city contains AND title eq AND list in (3 lists)", a["admin_token"],
         [search_path(criteria=c) for c in qp["filter"]], "search"),
        ("search: 2 plain terms (limited user: 5 lists, own contacts)", a["limited_token"],
         [search_path(q) for q in qp["plain"]], "search"),
        ("get by id", a["admin_token"], [f"/api/v1/contacts/{i}" for i in qp["ids"]], "get"),
    ]
    results = []
    for label, token, paths, kind in cases:
        single = args.size["get_single" if kind == "get" else "single"]
        concurrent = args.size["get_concurrent" if kind == "get" else "concurrent"]
        row = {"case": label, "kind": kind, "inputs": len(paths), "example": urllib.parse.unquote(paths[0])}
        print(f"bench: {label}: 1 client × {single} …", flush=True)
        row["single"] = httpload.run(base, token, paths, requests=single, clients=1, warmup=10,
                                       max_seconds=args.size["max_seconds"])
        _progress(row["single"])
        print(f"bench: {label}: {args.clients} clients × {concurrent} requests …", flush=True)
        row["concurrent"] = httpload.run(base, token, paths, requests=concurrent, clients=args.clients,
                                           warmup=3, max_seconds=args.size["max_seconds"])
        _progress(row["concurrent"])
        results.append(row)
    return results


def _progress(result):
    lat, w = result["latency_ms"], result["window"]
    print(f"  p50 {lat['p50']} p95 {lat['p95']} p99 {lat['p99']} ms, {result['rps']}/s, {result['statuses']}, "
          f"load {w['loadavg_before'][0]}→{w['loadavg_after'][0]}, box {w['box_busy_pct']} % busy", flush=True)


def measure_export(base, stack, org, admin_url, database, score_below):
    criteria = {"op": "and", "items": [{"field": "custom.score", "cmp": "lt", "value": score_below}]}
    path = "/api/v1/contacts/export.xlsx?" + urllib.parse.urlencode({"criteria": json.dumps(criteria)})
    client = httpload.Client(base, org["admin_token"])
    result = {"query": urllib.parse.unquote(path)}
    with probes.RssSampler(stack, admin_url, database) as sampler, httpload.Window() as window:
        t0 = time.perf_counter()
        status, body, ms = client.get(path)
        result["start_status"], result["start_ms"] = status, round(ms, 1)
        if status != 202:
            raise SystemExit(f"export: HTTP {status}: {body[:300]!r}")
        job_url = json.loads(body)["status_url"]
        polls, job, started_s = 0, None, None
        while True:
            status, body, _ = client.get(job_url)
            job, polls = json.loads(body), polls + 1
            if started_s is None and job["status"] != "queued":
                started_s = round(time.perf_counter() - t0, 2)
            if job["status"] in ("done", "failed"):
                break
            time.sleep(POLL_S if started_s is not None else QUEUED_POLL_S)
        t_done = time.perf_counter()
        result["started_s"] = started_s
        server_s = (datetime.datetime.fromisoformat(job["updated_at"])
                    - datetime.datetime.fromisoformat(job["created_at"])).total_seconds()
        result.update(job_status=job["status"], polls=polls, poll_s=POLL_S, job_s=round(t_done - t0, 2),
                      job_server_s=round(server_s, 2))
        if job["status"] != "done":
            raise SystemExit(f"export job failed: {job}")
        target = Path(f"/tmp/carnet-bench-export-{os.getpid()}.xlsx")
        status, data, ms = client.get(job["download_url"])
        target.write_bytes(data)
        result.update(download_status=status, download_s=round(ms / 1000, 2), wall_s=round(time.perf_counter() - t0, 2),
                      size_bytes=len(data))
    client.close()
    result["window"] = window.result
    result["rss"] = sampler.result()
    result["rows_in_file"] = _xlsx_rows(target)
    target.unlink()
    return result


def writer_floors(writers, rows=100_000):
    """Each of bench/xlsx's ``writers`` alone on ``rows`` × 25 cells, in a child process of its own (its figures,
    peak RSS and the file's check): the floor an export job is compared with, measured in the same run."""
    spec = importlib.util.spec_from_file_location("xlsx_bench", BENCH / "xlsx" / "run.py")
    xlsx_bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(xlsx_bench)
    found = []
    for writer in writers:
        path = Path(f"/tmp/carnet-bench-floor-{os.getpid()}-{writer}.xlsx")
        print(f"bench: writer floor, {xlsx_bench.WRITER_LABELS[writer]} …", flush=True)
        with httpload.Window() as window:
            figures, rss = xlsx_bench.run_child(["--child", writer, str(rows), str(path)])
        check = xlsx_bench.check(path, rows)
        path.unlink()
        found.append({"writer": writer, "label": xlsx_bench.WRITER_LABELS[writer], "rows": rows,
                      "cells_per_row": len(xlsx_bench.HEADERS), "peak_rss_mib": rss, **figures,
                      "all_text_safe": check["all_text_safe"], "window": window.result})
        print(f"  writer {figures['writer_s']} s, peak RSS {rss} MiB, text-safe {check['all_text_safe']}", flush=True)
    return found


def _xlsx_rows(path):
    """Rows in the first sheet, counted in the XML stream (header row included)."""
    pattern = b"<row "
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        rows, tail = 0, b""
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 20):
                rows += (tail + chunk).count(pattern)
                tail = chunk[-(len(pattern) - 1):]
        return rows


def explain_all(database_url, orgs, qp):
    from carnet_contacts.records import usecases

    engine = probes.make_engine(database_url)
    log = probes.StatementLog(engine)
    a = orgs["A"]
    admin = {"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True, "flags": {}, "subordinate_ids": []}
    limited = {"org_id": a["org_id"], "user_id": a["limited_id"], "is_admin": False, "flags": {},
               "subordinate_ids": []}

    def search(actor, **query):
        return lambda s: usecases.search_records(s, actor=actor, record_type="contact",
                                                 query={"page": 1, "per_page": 50, **query})

    cases = [("search 'tremblay marie' (admin)", search(admin, q="tremblay marie")),
             (f"search '{qp['phone'][0]}' (admin)", search(admin, q=qp["phone"][0])),
             ("search 'c:montr' (admin, > cap)", search(admin, q="c:montr")),
             ("search 'c:sherbrooke' (admin)", search(admin, q="c:sherbrooke")),
             ("filter " + json.dumps(qp["filter"][0], ensure_ascii=False)[:60] + "… (admin)",
              search(admin, criteria=json.dumps(qp["filter"][0]))),
             ("search 'tremblay marie' (limited user)", search(limited, q="tremblay marie")),
             ("get by id (admin)", lambda s: usecases.get_record(s, actor=admin, record_type="contact",
                                                                  record_id=qp["ids"][0]))]
    out = []
    for label, call in cases:
        print(f"bench: EXPLAIN {label} …", flush=True)
        out.append({"case": label, **probes.explain_case(engine, log, call)})
    engine.dispose()
    return out


def pg_settings(database_url):
    url = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:
        return {name: conn.execute(f"SHOW {name}").fetchone()[0] for name in (
            "server_version", "shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit",
            "max_parallel_workers_per_gather", "lc_collate")}


# Main -----------------------------------------------------------------------------------------------------

def main(argv=None):
    args = parse_args(argv)
    stack_module.SERVICES[:] = [s for s in stack_module.SERVICES if s["name"] in SERVICES]
    reuse = json.loads(args.reuse.read_text()) if args.reuse else None
    if reuse:
        args.size = reuse["size"]
    started = datetime.datetime.now().astimezone()
    name = args.name or f"contacts-{started:%Y-%m-%d}" + ("-quick" if args.quick else "") + (
        "-export" if args.only_export else "")
    log_path = Path(f"/tmp/carnet-bench-contacts-{started:%Y%m%d-%H%M%S}.log")
    results = {"name": name, "started_at": started.isoformat(timespec="seconds"),
               "command": "python bench/contacts/run.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "size": args.size, "targets": TARGETS, "machine": sysinfo.machine(), "versions": sysinfo.versions(),
               "clients": args.clients, "source_commit": _source()}
    print(f"bench: stack log in {log_path}", flush=True)
    port, offset = free_port(), free_offset()
    with bench_database(args.keep_db, reuse) as (database_url, admin_url, database), \
            testing.fresh_vhost("carnet_bench") as amqp_uri, open(log_path, "w") as log:
        prefix = testing.fresh_redis_prefix()
        # The organizations sign up on plan 'professional' (S-7: offered by this stack's operator) and the
        # measurements send thousands of requests with one token: the per-user cap (issue 10 §2) is lifted out of
        # reach, not off, so its Redis round trip is still paid.
        env = testing.test_env(database_url, amqp_uri, prefix, GATEWAY_THREADS=8,
                               READINESS_SERVICES=",".join(SERVICES), SIGNUP_PLANS="professional",
                               API_REQUESTS_PER_USER_MINUTE=UNREACHED_REQUESTS_PER_MINUTE)
        stack = Stack(env, gateway_port=port, port_offset=offset, log=log, gateway_workers=2)
        try:
            results["database"] = database
            results["postgres"] = pg_settings(database_url)
            t0 = time.perf_counter()
            print("bench: migrations (identity + contacts) and bootstrap …", flush=True)
            stack.bootstrap()
            results["migrate_s"] = round(time.perf_counter() - t0, 1)
            stack.start(timeout=120)
            if reuse:
                print(f"bench: reusing database {database} (seeded {reuse['seeded_at']}, no seeding) …", flush=True)
                orgs, results["seed"] = reuse["orgs"], reuse["seed"]
                results["reused_database_seeded_at"] = reuse["seeded_at"]
                for org in orgs.values():
                    org["admin_token"] = login(stack.url, f"admin.{org['tag'].lower()}")
            else:
                t0 = time.perf_counter()
                print("bench: organizations, users, lists, custom fields through the API …", flush=True)
                orgs = {"A": setup_org(stack.url, "A", lists=args.size["a_lists"], reps=9, limited=True),
                        "B": setup_org(stack.url, "B", lists=args.size["b_lists"], reps=2)}
                results["api_setup_s"] = round(time.perf_counter() - t0, 1)
                print(f"bench: seeding {args.size['a_contacts']:,} + {args.size['b_contacts']:,} contacts …",
                      flush=True)
                results["seed"] = seed_all(database_url, orgs, args.size)
                if args.keep_db:
                    _write_state(database, args.size, orgs, results["seed"])
            grant_and_select(stack.url, orgs)
            if args.seed_only:
                print(f"bench: seeded {database}; nothing measured (--seed-only)", flush=True)
                return 0
            print(f"  norms check: {results['seed']['norms_check']['mismatches']} mismatches "
                  f"over {results['seed']['norms_check']['contacts_checked']} contacts", flush=True)
            if not args.only_export:
                qp = query_pools(database_url, orgs["A"], args.size)
                results["http"] = measure_http(stack.url, orgs, qp, args)
            else:
                results["floors"] = writer_floors([w for w in args.floors.split(",") if w])
            if not args.skip_export:
                score_below = max(2, round(1000 * 100_000 / args.size["a_contacts"]) + 1)
                score_below = min(score_below, 1001)
                if args.quick:
                    score_below = 201
                print(f"bench: export (custom.score < {score_below}) through the job flow …", flush=True)
                results["export"] = measure_export(stack.url, stack, orgs["A"], admin_url, database, score_below)
                e = results["export"]
                print(f"  {e['rows_in_file'] - 1:,} rows, {e['wall_s']} s, {e['size_bytes'] / 1e6:.1f} MB", flush=True)
            if not args.only_export:
                results["explain"] = explain_all(database_url, orgs, qp)
        finally:
            stack.stop()
            _drop_redis_prefix(env, prefix)
            shutil.rmtree(f"/tmp/carnet-gateway-metrics-{port}", ignore_errors=True)
    results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["loadavg_end"] = httpload.loadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    render = report_md.export_markdown if args.only_export else report_md.markdown
    md_path, json_path = report_md.write(results, args.out, name, render=render)
    print(report_md.export_markdown(results) if args.only_export else report_md.summary(results))
    print(f"\nbench: wrote {md_path} and {json_path}")
    return 0


def _source():
    """The commit the services ran from: a snapshot's (bench/cpu/at_commit.sh writes SOURCE_COMMIT in it), else
    the checkout's, with how many of its files differ from it."""
    marker = ROOT / "SOURCE_COMMIT"
    if marker.exists():
        return f"snapshot of {marker.read_text().strip()}"
    state = sysinfo.source_state(ROOT)
    return f"checkout at {state['commit'][:7]} ({state['uncommitted_outside_bench']} files changed outside bench/)"


def _write_state(database, size, orgs, seed_result):
    """What --reuse needs to measure again on this database: its name, sizes and the ids made by the setup."""
    path = Path(f"/tmp/{database}.json")
    kept = {tag: {k: v for k, v in org.items() if not k.endswith("_token")} for tag, org in orgs.items()}
    path.write_text(json.dumps({"database": database, "size": size, "orgs": kept, "seed": seed_result,
                                "seeded_at": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}))
    print(f"bench: state for --reuse written to {path}", flush=True)


def _drop_redis_prefix(env, prefix):
    try:
        redis = redis_keys.client(env["REDIS_URL"])
        keys = list(redis.scan_iter(match=f"{prefix}*", count=1000))
        for i in range(0, len(keys), 500):
            redis.delete(*keys[i:i + 500])
    except Exception as exc:  # noqa: BLE001 - cleanup is best effort
        print(f"bench: could not delete the Redis keys under {prefix}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
