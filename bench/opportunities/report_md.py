"""bench/results/opportunities-<date>[-quick].md and .json from the results dict of run.py."""
import json
import re

import report_md as contacts_report  # bench/contacts/report_md.py (verdicts, machine, plan blocks, files)

# Plan nodes worth a second look on tables that grow with the data set.
BIG_TABLES = ("opportunities", "opportunity_lines", "tasks", "account_refs", "contact_refs", "contacts",
              "accounts", "opportunity_summaries", "task_summaries", "list_members")
SLOW_STATEMENT_MS = 20
BIG_SCAN_ROWS = 5_000
# A visibility predicate inlines the caller's list ids: shown once per statement, not once per parameter.
LIST_ARRAY = re.compile(r"CAST\(ARRAY\[(%\(param_\d+\)s::VARCHAR, )*%\(param_\d+\)s::VARCHAR\] AS TEXT\[\]\)")
PLAN_LISTS = re.compile(r"'\{[0-9a-f-]{36}(,[0-9a-f-]{36})+\}'")


def latency_table(results):
    lines = ["| case | required | clients | n | p50 | p95 | p99 | max | req/s | target p95 | | statuses | "
             "load avg before → after | box busy | page total (median) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in results.get("http", []):
        limit = row["target_p95_ms"]
        for key in ("single", "concurrent"):
            r = row[key]
            lat, w = r["latency_ms"], r["window"]
            total = (r.get("page_total") or {}).get("median", "—")
            lines.append(f"| {row['case']} | {'issue' if row['required'] else 'extra'} | {r['clients']} | {lat['n']} | "
                         f"{lat['p50']} | {lat['p95']} | {lat['p99']} | {lat['max']} | {r['rps']} | ≤ {limit} | "
                         f"{contacts_report.verdict(lat['p95'], limit)} | {r['statuses']} | "
                         f"{w['loadavg_before'][0]} → {w['loadavg_after'][0]} | {w['box_busy_pct']} % | {total} |")
    return "\n".join(lines)


def seed_table(results):
    s = results["seed"]
    lines = ["| step | seconds |", "|---|---|",
             f"| migrations + bootstrap of identity, contacts and opportunities | {results['migrate_s']} |",
             f"| stages and assignees through the gateway API | {results['api_setup_opportunities_s']} |"]
    if results.get("api_setup_s") is not None:  # standalone: the contacts bench's setup and seed ran first
        lines += [f"| contacts bench: organizations, users, lists through the API | {results['api_setup_s']} |",
                  f"| contacts bench: seed of the contacts schema (SQL) | {results['contacts_seed']['total_s']} |"]
    lines += [f"| {step['step']} | {step['seconds']} |" for step in s["steps"]]
    lines += [f"| **index builds** | **{s['indexes_s']}** |", f"| **total seeding (SQL)** | **{s['total_s']}** |"]
    if s.get("reused"):
        lines.append("\n(Seeded by an earlier run on the same database: the figures above are that run's.)")
    return "\n".join(lines)


def _rows(line):
    """The rows a plan node produced (actual when analyzed, else the estimate)."""
    found = re.findall(r"rows=(\d+)", line)
    return int(found[-1]) if found else 0


def flags(statement):
    """What to look at in a statement's plan: sequential scans producing ``BIG_SCAN_ROWS`` rows or more of a
    table that grows with the data, JIT compilation time, and the statement's own time when it is slow."""
    found = [line.strip().lstrip("-> ").split("  (")[0] + f" ({_rows(line):,} rows)" for line in statement["plan"]
             if "Seq Scan on" in line and _rows(line) >= BIG_SCAN_ROWS
             and any(f" {t} " in line or f".{t} " in line for t in BIG_TABLES)]
    found += [f"JIT {line.split('Total')[1].strip()}" for line in statement["plan"] if "Timing: Generation" in line]
    if statement["analyzed"] and (statement.get("execution_ms") or 0) >= SLOW_STATEMENT_MS:
        found.append(f"execution {statement['execution_ms']} ms")
    if found and not statement["analyzed"]:
        found.append("planner estimate only: the service asks for this plan, never runs it")
    return found


def findings(results):
    out = []
    for case in results.get("explain", []):
        for i, st in enumerate(case["statements"], 1):
            noted = flags(st)
            if noted:
                first = " ".join(st["sql"].split())[:90].replace("|", "\\|")
                out.append(f"- **{case['case']}**, statement {i} (`{first}…`): " + "; ".join(noted))
    return "\n".join(out) or "- none: no sequential scan of a big table, no statement over "\
                              f"{SLOW_STATEMENT_MS} ms"


def plan_block(statement):
    """``contacts_report.plan_block`` with the caller's list ids shown once: ``ARRAY[<list ids>]``, and the
    list-id parameters left out of the parameter line (the first plan line that names them keeps them)."""
    lists = [v for k, v in statement["params"].items() if re.fullmatch(r"param_\d+", k) and isinstance(v, str)
             and len(v) == 36] if isinstance(statement["params"], dict) else []
    params = statement["params"]
    if lists:
        params = {k: v for k, v in params.items() if not (re.fullmatch(r"param_\d+", k) and v in lists)}
        params["(list ids)"] = f"{len(set(lists))} distinct ids, {len(lists)} parameters"
    shown = {**statement, "sql": LIST_ARRAY.sub("CAST(ARRAY[<list ids>] AS TEXT[])", statement["sql"]),
             "params": params, "plan": [PLAN_LISTS.sub("'{<list ids>}'", line) for line in statement["plan"]]}
    return contacts_report.plan_block(shown)


def _worth_a_plan(statement):
    """Plans shown: statements of 1 ms or more, and those only explained."""
    return not statement["analyzed"] or (statement.get("execution_ms") or 0) >= 1


def explain_section(results):
    return contacts_report.explain_section(results, shows_plan=_worth_a_plan, plan=plan_block, unmeasured=None)


def data_set(results):
    s, c = results["seed"]["shape"], results["contacts_size"]
    year = results["year"]
    return "\n".join([
        f"- contacts (from the contacts bench, {results['mode']}): organization A {c['a_contacts']:,} contacts, "
        f"{c['a_accounts']:,} accounts, {c['a_lists']} lists; B {c['b_contacts']:,} contacts",
        f"- **{s['opportunities']:,} opportunities** of A with **{s['lines']:,} product lines**; "
        f"{s['opportunities_naming_a_contact']:,} name a contact; on {s['accounts_with_opportunities']:,} accounts; "
        f"{s['read_only_from_accounting']:,} from an accounting system (read-only); {s['without_close_date']:,} "
        f"without close date; close dates {s['close_dates'][0]} … {s['close_dates'][1]}; {s['distinct_rep1']} reps",
        "- by stage: " + ", ".join(f"{b['probability']} % {b['count']:,}" for b in s["by_stage"]),
        f"- **{sum(s['tasks_by_status'].values()):,} tasks** across {s['tasks_per_assignee']['assignees']} assignees "
        f"(per assignee min {s['tasks_per_assignee']['min']:,}, median {s['tasks_per_assignee']['median']:,}, max "
        f"{s['tasks_per_assignee']['max']:,}); by status {s['tasks_by_status']}; by type {s['tasks_by_type']}; "
        f"links {s['task_links']}; created in {year}: {s[f'tasks_created_in_{year}']:,}",
        f"- contacts.opportunity_summaries rows: {s['opportunity_summaries']:,}; task_summaries: "
        f"{results['seed']['task_summaries']}",
        f"- integrity (all 0 expected): {results['seed']['integrity']}",
        f"- **line totals vs `lines.line_total`** (O-5, recomputed in Python): "
        f"{results['seed']['lines_check']['lines_checked']} lines checked, "
        f"**{results['seed']['lines_check']['mismatches']} mismatches**",
        f"- table sizes (with indexes): {s['table_sizes']}",
        f"- shares drawn: `{json.dumps(results['seed']['shares'], ensure_ascii=False)}`; anchor date "
        f"{results['seed']['anchor']}",
    ])


def markdown(results):
    parts = [
        f"# Opportunities benchmark — {results['name']}", "",
        f"Command: `{results['command']}`; started {results['started_at']}, finished {results['finished_at']}; "
        f"database `{results['database']}`.", "",
        "**Shared machine.** Other sessions may use this 2-core box during the run: every measurement records the "
        "load average before and after it and how busy the whole box was (our stack and load generator included).",
        "", "## Machine", "",
        *contacts_report.machine_lines(results),
        f"- stack: identity, contacts, opportunities (nameko) and the gateway (gunicorn gthread, 2 workers × 8 "
        f"threads); load generator: Python threads with keep-alive connections on the same box; "
        f"{results['clients']} concurrent clients in the second pass.", "",
        "## Data set", "", data_set(results), "",
        "## Seeding time", "", seed_table(results), "",
        "## Latency through the gateway (ms)", "",
        "One warm client (after 10 unmeasured requests), then concurrent clients; inputs rotate over the pool of "
        "each case (`inputs`: the 8 stages, the 50 assignees…). `required`: a target of issue 5 (`extra`: for "
        "reading them). `page total`: the total the list reported.", "",
        latency_table(results), "",
        "Example request per case:", "",
        *[f"- {row['case']}: `{row['example']}` ({row['inputs']} inputs)" for row in results.get("http", [])], "",
        "## Plans worth a look", "",
        f"Sequential scans of tables that grow with the data, and statements over {SLOW_STATEMENT_MS} ms "
        "(from the EXPLAIN below):", "", findings(results), "",
        "## EXPLAIN (ANALYZE, BUFFERS) of the services' SQL", "",
        "Captured in process: the same use cases (`usecases.search_opportunities`, `task_usecases.list_tasks`, "
        "`dashboard.get_dashboard`, contacts `usecases.search_records`) on the same database with the actor the "
        "gateway sends and the services' session settings (`jit=off`, carnet_common.db), every statement logged "
        "with its parameters and then explained. Warm cache. Plans are "
        "shown for statements of 1 ms or more.", "",
        explain_section(results),
    ]
    return "\n".join(parts) + "\n"


def summary(results):
    return latency_table(results) + "\n\n" + findings(results)


def write(results, directory, name):
    return contacts_report.write(results, directory, name, render=markdown)
