"""bench/results/contacts-<date>.md and .json from the results dict of run.py. The opportunities bench's report
(bench/opportunities/report_md.py) uses its shared pieces: ``verdict``, ``machine_lines``, ``plan_block``,
``write``."""
import json


def verdict(value, limit):
    if value is None:
        return "—"
    return "✅" if value <= limit else "❌"


def _lat(result):
    lat = result["latency_ms"]
    return lat["p50"], lat["p95"], lat["p99"], lat["max"]


def latency_table(results):
    targets = results["targets"]
    lines = ["| case | clients | n | p50 | p95 | p99 | max | req/s | target p95 | | load avg before → after | box busy | page total (median) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in results.get("http", []):
        limit = targets["get_p95_ms"] if row["kind"] == "get" else targets["search_p95_ms"]
        for key in ("single", "concurrent"):
            r = row[key]
            p50, p95, p99, mx = _lat(r)
            w = r["window"]
            total = (r.get("page_total") or {}).get("median", "—")
            lines.append(f"| {row['case']} | {r['clients']} | {r['latency_ms']['n']} | {p50} | {p95} | {p99} | {mx} | "
                         f"{r['rps']} | ≤ {limit} | {verdict(p95, limit)} | "
                         f"{w['loadavg_before'][0]} → {w['loadavg_after'][0]} | {w['box_busy_pct']} % | {total} |")
    return "\n".join(lines)


def export_table(results):
    e = results.get("export")
    if not e:
        return "(export not run)"
    t = results["targets"]
    lines = [f"Query: `{e['query']}`", "",
             "| measure | value | target |", "|---|---|---|",
             f"| rows in the file (header excluded) | {e['rows_in_file'] - 1:,} | ~100,000 |",
             f"| 202 response | {e['start_ms']} ms | |",
             f"| request → job running (polled every 0.05 s while queued) | {e.get('started_s', '—')} s | |",
             f"| request → job done (polled every {e.get('poll_s', 0.5)} s) | {e['job_s']} s | |",
             f"| the job's own time (its row: created → done, incl. the wait to be claimed) | "
             f"{e.get('job_server_s', '—')} s | |",
             f"| download through the gateway | {e['download_s']} s | |",
             f"| **wall time, request → file downloaded** | **{e['wall_s']} s** | ≤ {t['export_s']} s "
             f"{verdict(e['wall_s'], t['export_s'])} |",
             f"| file size | {e['size_bytes'] / 1e6:.1f} MB | |",
             f"| load average before → after | {e['window']['loadavg_before']} → {e['window']['loadavg_after']} | |",
             f"| box busy during the export | {e['window']['box_busy_pct']} % | |",
             "", "Peak memory per process during the export (MiB; sampled every 0.2 s from /proc/<pid>/status; "
             "VmHWM is the kernel's own peak of the process's lifetime; for PostgreSQL backends RssShmem is "
             "shared_buffers pages touched, the private part is RssAnon):", "",
             "| process | pid | VmHWM | peak VmRSS | peak RssAnon | peak RssShmem | < 300 MiB |",
             "|---|---|---|---|---|---|---|"]
    for p in e["rss"]:
        own = p.get("RssAnon", 0) + p.get("RssFile", 0) if "backend" in p["name"] else p.get("VmHWM", 0)
        lines.append(f"| {p['name']} | {p['pid']} | {p.get('VmHWM')} | {p.get('VmRSS')} | {p.get('RssAnon')} | "
                     f"{p.get('RssShmem')} | {verdict(own, t['export_rss_mib'])} |")
    return "\n".join(lines)


def floors_table(results):
    lines = ["| writer (alone, in a child process) | rows × cells | writer s | peak RSS MiB | all text-safe | "
             "load avg before → after | box busy |", "|---|---|---|---|---|---|---|"]
    for f in results.get("floors", []):
        w = f["window"]
        lines.append(f"| {f['label']} | {f['rows']:,} × {f['cells_per_row']} | **{f['writer_s']}** | "
                     f"{f['peak_rss_mib']} | {'yes' if f['all_text_safe'] else '**NO**'} | "
                     f"{w['loadavg_before'][0]} → {w['loadavg_after'][0]} | {w['box_busy_pct']} % |")
    return "\n".join(lines)


def export_markdown(results):
    """The report of ``--only-export``: the writer's floor and the export job through the service, one run."""
    floors = {f["writer"]: f["writer_s"] for f in results.get("floors", [])}
    e = results.get("export") or {}
    ratio = (f"job (its own time) / product writer's floor = {e['job_server_s']} / {floors['product']} = "
             f"**{e['job_server_s'] / floors['product']:.2f}×**" if "product" in floors and e else "")
    return "\n".join([
        f"# Contacts export — {results['started_at'][:10]}", "",
        f"Command: `{results['command']}`; database `{results.get('database')}` "
        f"(seeded {results.get('reused_database_seeded_at')}); code: {results.get('source_commit', 'the checkout')}.",
        "", "## The writer alone (its floor), same run", "", floors_table(results), "", ratio, "",
        "## The export job through the service (202 → poll /jobs/{id} → download)", "", export_table(results), "",
        "## Machine", "", *machine_lines(results)]) + "\n"


def seed_table(results):
    s = results["seed"]
    lines = ["| step | seconds |", "|---|---|",
             f"| migrations + bootstrap of identity and contacts (alembic, `carnet_common.bootstrap`) | {results['migrate_s']} |",
             f"| 2 organizations, 13 users, {results['size']['a_lists'] + results['size']['b_lists']} lists, "
             f"6 custom fields through the gateway API | {results.get('api_setup_s', 'reused')} |"]
    if results.get("reused_database_seeded_at"):
        lines.append(f"| (this run reused a database seeded at {results['reused_database_seeded_at']}: the steps "
                     "below are that seeding's) | |")
    lines += [f"| {step['step']} | {step['seconds']} |" for step in s["steps"]]
    lines += [f"| **load (rows)** | **{s['load_s']}** |", f"| **index builds** | **{s['indexes_s']}** |",
              f"| **total seeding (SQL)** | **{s['total_s']}** |"]
    return "\n".join(lines)


def plan_block(statement):
    lines = [f"```sql\n{statement['sql']}\n```", f"params: `{json.dumps(statement['params'], ensure_ascii=False)}`", ""]
    lines.append("```")
    lines += statement["plan"]
    lines.append("```")
    return "\n".join(lines)


def _heavy(statement):
    """The contacts statements whose plan is shown: on contacts.contacts, ranked, sorted, by id or not run."""
    sql = statement["sql"]
    return "contacts.contacts" in sql and ("hits" in sql or "ORDER BY" in sql or not statement["analyzed"]
                                           or "contacts.id =" in sql)


def explain_section(results, *, shows_plan=_heavy, plan=plan_block, unmeasured="EXPLAIN only"):
    """Per case: its in-process time, a table of its statements (``unmeasured`` for an analyzed one without an
    execution time), then the plans of the statements ``shows_plan`` picks, rendered by ``plan``."""
    out = []
    for case in results.get("explain", []):
        out.append(f"### {case['case']}\n")
        out.append(f"In-process call (use case, all statements): {case['in_process_ms']} ms; "
                   f"result: `{case['result_total']}`.\n")
        out.append("| # | statement | execution (ms) |\n|---|---|---|")
        for i, st in enumerate(case["statements"], 1):
            first = " ".join(st["sql"].split())[:110].replace("|", "\\|")
            ms = st.get("execution_ms", unmeasured) if st["analyzed"] else "EXPLAIN only (planner estimate)"
            out.append(f"| {i} | `{first}…` | {ms} |")
        out.append("")
        for i, st in enumerate(case["statements"], 1):
            if shows_plan(st):
                out += [f"Statement {i}:\n", plan(st), ""]
    return "\n".join(out)


def machine_lines(results):
    """The machine the bench ran on, its load at both ends, PostgreSQL's settings and the versions."""
    m = results["machine"]
    return [
        f"- nproc {m['nproc']} ({m['nproc_available']} available), {m['cpu_model']}, {m['memory_gib']} GiB RAM, "
        f"swap {m['swap_gib']} GiB, kernel {m['kernel']}",
        f"- load average at start: {m['loadavg_before']}; at the end: {results.get('loadavg_end')}",
        f"- PostgreSQL: {results.get('postgres', {})}",
        f"- versions: {json.dumps(results['versions'], ensure_ascii=False)}",
    ]


def markdown(results):
    s = results["seed"]
    parts = [
        f"# Contacts benchmark — {results['name']}", "",
        f"Command: `{results['command']}`; started {results['started_at']}, finished {results['finished_at']}.",
        "",
        "**Shared machine.** Other engineers' tests may run on this 2-core box during the benchmark: every "
        "measurement below records the load average before and after it and how busy the whole box was "
        "(our stack and load generator included). Read the tails with that in mind.", "",
        "## Machine", "",
        *machine_lines(results),
        f"- gateway: gunicorn gthread, 2 workers × 8 threads; load generator: Python threads with keep-alive "
        f"connections on the same box; {results['clients']} concurrent clients in the second pass.", "",
        "## Data set", "",
        f"- organization A: {results['size']['a_contacts']:,} contacts, {results['size']['a_accounts']:,} accounts, "
        f"{results['size']['a_lists']} lists; organization B: {results['size']['b_contacts']:,} contacts, "
        f"{results['size']['b_accounts']:,} accounts, {results['size']['b_lists']} lists",
        f"- rows: {s['rows']}; contacts heap {s['contacts_heap_size']}, with indexes and TOAST "
        f"{s['contacts_total_size']}",
        f"- list memberships inserted: {s['memberships']}; integrity: {s['orphans']}",
        f"- match counts in A: {s['match_counts']}",
        f"- **normalised columns vs norms.py** (recomputed in Python with `norms.contact_norms` / `account_norms`): "
        f"{s['norms_check']['contacts_checked']} contacts and {s['norms_check']['accounts_checked']} accounts "
        f"checked, **{s['norms_check']['mismatches']} mismatches**"
        + (f"; examples: `{json.dumps(s['norms_check']['examples'], ensure_ascii=False)}`"
           if s['norms_check']['mismatches'] else ""),
        "- index sizes > 8 MB: " + ", ".join(f"{i['index']} {i['size']}" for i in s["index_sizes"]), "",
        "## Seeding time", "", seed_table(results), "",
        "## Latency through the gateway (ms)", "",
        "One warm client (after 10 unmeasured requests), then concurrent clients; inputs rotate over the pool "
        "of each case (`inputs`). `page total` is the total the pages reported (a capped hit set reports the "
        "planner's estimate above 10,000).", "",
        latency_table(results), "",
        "Example request per case:", "",
        *[f"- {row['case']}: `{row['example']}` ({row['inputs']} inputs)" for row in results.get("http", [])], "",
        "## Export of ~100,000 contacts (job flow: 202 → poll /jobs/{id} → download)", "", export_table(results), "",
        "## EXPLAIN (ANALYZE, BUFFERS) of the service's SQL", "",
        "Captured in process: the same use case (`usecases.search_records` / `get_record`) on the same "
        "database, every statement logged with its parameters and then explained. Warm cache.", "",
        explain_section(results),
    ]
    return "\n".join(parts) + "\n"


def summary(results):
    return latency_table(results) + "\n\n" + export_table(results)


def write(results, directory, name, render=markdown):
    """``<name>.md`` (``render``: this bench's markdown unless another bench's) and ``<name>.json``."""
    md_path, json_path = directory / f"{name}.md", directory / f"{name}.json"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))  # first: never lost
    md_path.write_text(render(results))
    return md_path, json_path
