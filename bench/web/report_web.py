"""bench/results/web-<date>.md from the results dict of budgets.py (written again after each part)."""
import os


def _verdict(value, limit):
    if value is None:
        return "—"
    return "met ✅" if value <= limit else "missed ❌"


def _kb(n):
    return f"{n / 1000:.1f}"


def js_section(results):
    t = results["targets"]["js_gzip_kb"]
    lines = [f"### 1. JavaScript per page ≤ {t} kB gzip", "",
             "Sum over every `<script src>` of the page and the modules they import (kB = 1,000 bytes). gzip -6 is "
             "zlib's default level (what `gzip` and most `gzip on;` proxy set-ups with `gzip_comp_level 6` send); "
             "-1 is nginx's default `gzip_comp_level`. The gateway itself sends the files uncompressed "
             "(Content-Encoding below).", "",
             "| page | path | HTTP | scripts | raw kB | gzip -6 kB | gzip -1 kB | gzip -9 kB | target | |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    files = {}
    for row in results.get("js", []):
        if row["status"] != 200:
            lines.append(f"| {row['page']} | `{row['path']}` | {row['status']} | — | — | — | — | — | ≤ {t} | "
                         f"not built yet |")
            continue
        ok = [s for s in row["scripts"] if s["status"] == 200]
        total = row["total"]
        lines.append(f"| {row['page']} | `{row['path']}` | 200 | {len(ok)} | {_kb(total['raw'])} | "
                     f"**{_kb(total['gzip6'])}** | {_kb(total['gzip1'])} | {_kb(total['gzip9'])} | ≤ {t} | "
                     f"{_verdict(total['gzip6'] / 1000, t)} |")
        for s in row["scripts"]:
            files.setdefault(s["url"], s)
    lines += ["", "Files (each page's list is in the JSON):", "",
              "| file | HTTP | via | raw kB | gzip -6 kB | Content-Encoding sent | Cache-Control |",
              "|---|---|---|---|---|---|---|"]
    for url, s in files.items():
        lines.append(f"| `{url}` | {s['status']} | {s['via']} | {_kb(s['raw'])} | {_kb(s['gzip6'])} | "
                     f"{s['content_encoding'] or 'none'} | {s['cache_control'] or '—'} |")
    return "\n".join(lines)


def timing_section(results):
    t = results["targets"]["list_p95_ms"]
    rows = results.get("timing")
    if not rows:
        return "### 2. Server time of the contacts list page\n\n(not run)"
    lines = [f"### 2. Server time of the contacts list page: p95 ≤ {t} ms, one client", "",
             f"{results['requests']} pages and {results['requests']} API calls per case, interleaved on one "
             f"keep-alive connection each, after {results['warmup']} of each unmeasured; milliseconds, measured "
             "by the client over loopback. The budget is on the list page (the first three cases); the record page "
             "is shown for comparison. Overhead = page − API at the same percentile. \"others' CPU\": the share of the box "
             "used by processes outside this stack during the case (other sessions' tests), + the box's unattributed busy "
             "share (processes that started and ended within the case: others' test stacks).", "",
             "| user | case | page p50 | page p95 | page p99 | API p50 | API p95 | API p99 | overhead p50 / p95 | "
             "page HTTP | page kB | API kB | p95 target | | load avg before → after | box busy | others' CPU |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        w, a = row["web"]["latency_ms"], row["api"]["latency_ms"]
        listing = row["case"].startswith("list")
        target = f"≤ {t}" if listing else "(none)"
        verdict = _verdict(w["p95"], t) if listing else ""
        win = row["window"]
        lines.append(f"| {row['user']} | {row['case']} | {w['p50']} | **{w['p95']}** | {w['p99']} | {a['p50']} | "
                     f"{a['p95']} | {a['p99']} | {row['overhead_p50_ms']} / {row['overhead_p95_ms']} | "
                     f"{_statuses(row['web']['statuses'])} | {_kb(row['web']['bytes_median'] or 0)} | "
                     f"{_kb(row['api']['bytes_median'] or 0)} | {target} | {verdict} | "
                     f"{win['loadavg_before'][0]} → {win['loadavg_after'][0]} | {win['box_busy_pct']} % | "
                     f"{_foreign(row.get('cpu'))} |")
    lines += ["", "Examples: " + "; ".join(f"`{r['example_page']}` ↔ `{r['example_api']}`"
                                           for r in rows if r["user"] == rows[0]["user"])]
    return "\n".join(lines)


def decomposition_section(results):
    found = results.get("decomposition")
    if not found:
        return ""
    lines = ["#### Where the list page's time goes", "",
             "`/app/contacts` and each `/api/v1` operation its view runs one after the other (`lists_pages.py` "
             "`_list_page`: layout, custom fields, lists, saved filters, the search, and `/stages` for a role that "
             "reads opportunities), each timed alone, sequentially, 50 times after 5 (p50, ms). Each API call pays "
             "its own authentication (the page pays it once), so the sum is an upper bound of the calls' share.", "",
             "| user | page | " + " | ".join(f"`{r['path'][7:]}`" for r in found[0]["rows"][1:])
             + " | calls summed | page − calls |",
             "|---|---|" + "---|" * (len(found[0]["rows"]) - 1) + "---|---|"]
    for f in found:
        cells = [f"{r['latency_ms']['p50']}" + ("" if "200" in r["statuses"] else f" ({_statuses(r['statuses'])})")
                 for r in f["rows"][1:]]
        lines.append(f"| {f['user']} | {f['page_p50_ms']} | " + " | ".join(cells)
                     + f" | {f['calls_p50_sum_ms']} | {f['rest_p50_ms']} |")
    if "cpu_ms_per_request" in found[0]["rows"][0]:
        names = sorted({n for f in found for r in f["rows"] for n in r["cpu_ms_per_request"]})
        lines += ["", "CPU milliseconds per request of each process over the same requests (from /proc; the load "
                  "of other sessions does not inflate these as it inflates the latencies):", "",
                  "| user | request | " + " | ".join(names) + " | total | others' CPU during it |",
                  "|---|---|" + "---|" * len(names) + "---|---|"]
        for f in found:
            for r in f["rows"]:
                cpu = r["cpu_ms_per_request"]
                lines.append(f"| {f['user']} | `{r['path']}` | " + " | ".join(str(cpu.get(n, 0)) for n in names)
                             + f" | **{round(sum(cpu.values()), 1)}** | {r['foreign_pct']} % |")
    return "\n".join(lines)


def explain_section(results):
    found = results.get("explain")
    if not found:
        return ""
    lines = ["#### The search's SQL (EXPLAIN ANALYZE, in process)", "",
             "`usecases.search_records` of the contacts service with the list's query (default sort, 50 a page) for "
             "each user, its statements re-run under EXPLAIN (ANALYZE, BUFFERS) (bench/contacts/probes.py).", "",
             "| case | use case in process (ms) | statements: execution ms |", "|---|---|---|"]
    for case in found:
        times = ", ".join(str(s.get("execution_ms")) for s in case["statements"] if s.get("analyzed"))
        lines.append(f"| {case['case']} | {case['in_process_ms']} | {times} |")
    slow = max(found, key=lambda c: c["in_process_ms"])
    statement = max((s for s in slow["statements"] if s.get("analyzed")), key=lambda s: s.get("execution_ms") or 0,
                    default=None)
    if statement:
        lines += ["", f"The slowest case's slowest statement ({slow['case']}):", "", "```sql",
                  statement["sql"][:3000], "```", "", "```", *statement["plan"][:60], "```"]
    return "\n".join(lines)


def _foreign(cpu):
    """Other processes' share of the box, then the unattributed share (short-lived processes: others' test stacks
    starting and stopping, counted by the box but by no process seen at both ends)."""
    if not cpu:
        return "—"
    unattributed = 100 * cpu["cpu_s"].get("unattributed", 0) / max(cpu["wall_s"] * (os.cpu_count() or 1), 1e-9)
    return f"{cpu['foreign_pct']} % + {unattributed:.0f} %"


def _statuses(statuses):
    return ", ".join(f"{k}×{v}" for k, v in statuses.items())


def fcp_section(results):
    t = results["targets"]["fcp_ms"]
    f = results.get("fcp")
    if not f:
        return "### 3. First contentful paint of the contacts list\n\n(not run)"
    lines = [f"### 3. First contentful paint of `{f['path']}` ≤ {t} ms in Chromium", "",
             f"{f['browser_version']} (`{f['chromium']}`), headless, 1280×900, no throttling; signed in through the "
             f"login form; {f['runs']} fresh navigations (`page.goto`) in the signed-in context (warm HTTP cache), "
             f"then {f['runs']} in a new context each with the session cookie (cold cache). "
             f"{f['evaluate_under_csp']}; an inline `<script>` added to the page: {f.get('inline_script', '—')}; "
             f"the page's CSP header: `{f.get('csp_header', '—')}`.", "",
             "| cache | HTTP | FCP p50 | FCP max | FCP min | TTFB p50 | DOMContentLoaded p50 | load p50 | target | |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for key in ("warm", "cold"):
        r = f[key]
        lines.append(f"| {key} | {r['statuses']} | **{r['fcp_ms']['p50']}** | **{r['fcp_ms']['max']}** | "
                     f"{r['fcp_ms']['min']} | {r['ttfb_ms_p50']} | {r['dcl_ms_p50']} | {r['load_ms_p50']} | "
                     f"≤ {t} | {_verdict(r['fcp_ms']['max'], t)} (max) |")
    w = f["window"]
    lines += ["", f"Load average {w['loadavg_before']} → {w['loadavg_after']}, box {w['box_busy_pct']} % busy.", "",
              "Scripts Chromium fetched (cold load; resource timing):", "",
              "| script | transfer bytes | encoded | decoded | ms |", "|---|---|---|---|---|"]
    for s in f["cold"]["scripts"]:
        lines.append(f"| `{s['name']}` | {s['transfer']} | {s['encoded']} | {s['decoded']} | {s['ms']} |")
    return "\n".join(lines)


def markdown(results):
    src, m = results["source"], results["machine"]
    lines = [f"# Web client budgets (issue 11): {results['name']}", "",
             f"`{results['command']}`, {results['started_at']} → {results.get('finished_at', '(running)')}", "",
             f"- Source: HEAD `{src['head']}`; {src['uncommitted_paths']} uncommitted paths in the shared work tree "
             f"({src['uncommitted_outside_bench']} outside bench/; the stack runs the tree as it is). "
             f"List page (`lists_pages.py`): commit {src['list_page_commit'] or 'none'}, "
             f"in the tree: {src['list_page_in_tree']}.",
             f"- Data: database `{results['database']}` (state `{results['state_file']}`, seeded "
             f"{results['seeded_at']}): {results['size']['a_contacts']:,} contacts in organization A + "
             f"{results['size']['b_contacts']:,} in B; users `admin.a` and the limited user (5 lists granted).",
             f"- Machine: {m['cpu_model']}, {m['nproc']} cores, {m['memory_gib']} GiB, shared with other sessions; "
             f"load average at start {m['loadavg_before']}, at the end {results.get('loadavg_end', '—')}.",
             "- Stack: every service + gunicorn gateway (2 workers × 8 threads), as `make run` starts it.", ""]
    lines += ["## Summary", "", "| budget | target | measured | |", "|---|---|---|---|"]
    lines += summary_rows(results)
    lines += ["", "## Details", "", js_section(results), "", timing_section(results), "",
              decomposition_section(results), "", explain_section(results), "", fcp_section(results), ""]
    if results.get("findings"):
        lines += ["## Findings", "", results["findings"], ""]
    return "\n".join(lines)


def summary_rows(results):
    t = results["targets"]
    rows = []
    js = [r for r in results.get("js", []) if r["status"] == 200]
    if js:
        worst = max(js, key=lambda r: r["total"]["gzip6"])
        rows.append(f"| JavaScript per page (gzip -6) | ≤ {t['js_gzip_kb']} kB | largest: {worst['page']} "
                    f"{_kb(worst['total']['gzip6'])} kB ({len(js)} of {len(results['js'])} pages built) | "
                    f"{_verdict(worst['total']['gzip6'] / 1000, t['js_gzip_kb'])} |")
    listing = [r for r in results.get("timing") or [] if r["case"].startswith("list")]
    if listing:
        worst = max(listing, key=lambda r: r["web"]["latency_ms"]["p95"])
        built = all("200" in r["web"]["statuses"] and len(r["web"]["statuses"]) == 1 for r in listing)
        rows.append(f"| contacts list page server time p95, one client | ≤ {t['list_p95_ms']} ms | worst: "
                    f"{worst['web']['latency_ms']['p95']} ms ({worst['user']}, {worst['case']})"
                    f"{'' if built else ' — the page did not answer 200: see the table'} | "
                    f"{_verdict(worst['web']['latency_ms']['p95'], t['list_p95_ms']) if built else 'not measured'} |")
    f = results.get("fcp")
    if f:
        rows.append(f"| FCP of /app/contacts in Chromium | ≤ {t['fcp_ms']} ms | warm p50 {f['warm']['fcp_ms']['p50']} "
                    f"/ max {f['warm']['fcp_ms']['max']} ms; cold p50 {f['cold']['fcp_ms']['p50']} / max "
                    f"{f['cold']['fcp_ms']['max']} ms (HTTP {f['cold']['statuses']}) | "
                    f"{_verdict(max(f['warm']['fcp_ms']['max'] or 0, f['cold']['fcp_ms']['max'] or 0), t['fcp_ms'])} |")
    return rows
