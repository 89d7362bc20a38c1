"""bench/cpu results: the JSON (everything, written first) and the Markdown a human reads."""
import json
from pathlib import Path

SERVICE_ORDER = ("gateway", "identity", "contacts", "opportunities")
SHARED = ("postgresql", "rabbitmq", "redis")
LOAD_ORDER = ("healthz", "me", "get", "rpc_ping", "rpc_get", "search_plain", "search_phone", "search_city", "filter")
LABELS = {"healthz": "`GET /healthz` (gateway floor)", "me": "`GET /api/v1/me` (Redis, no RPC)",
          "get": "`GET /api/v1/contacts/{id}`", "rpc_ping": "nameko RPC `contacts.ping`",
          "rpc_get": "nameko RPC `contacts.get_contact` (no gateway)",
          "search_plain": "search: 2 plain terms", "search_phone": "search: `p:` phone digits",
          "search_city": "search: `c:` city", "filter": "filter: 3 clauses (city, title, 3 lists)"}
PROCESS_LABELS = {"gateway workers": "gateway workers", "contacts": "contacts service", "identity": "identity service"}


def _components(results):
    found = set()
    for passes in results["loads"].values():
        for result in passes.values():
            found.update(result.get("cpu_ms_per_request", {}))
    services = [name for name in SERVICE_ORDER if name in found]
    return services + [name for name in SHARED if name in found]


def ours_ms(result, components=None):
    """CPU ms per request of the stack and its servers (load generator and bench driver left out)."""
    per = result.get("cpu_ms_per_request", {})
    names = components or [n for n in per if n not in ("load generator", "bench driver", "unattributed",
                                                        "other processes", "other Carnet services")]
    return sum(per.get(name, 0) for name in names)


def _ms(value):
    return "–" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _rate_table(results, key):
    components = _components(results)
    lines = ["| load | req/s | p50 ms | p95 ms | p99 ms | errors | " + " | ".join(components)
             + " | **stack CPU ms/req** | load gen. | unattributed | box busy | others' share | load avg before → after |",
             "|---|---|---|---|---|---|" + "---|" * len(components) + "---|---|---|---|---|---|"]
    for load in LOAD_ORDER:
        result = results["loads"].get(load, {}).get(key)
        if not result:
            continue
        lat, per, cpu = result["latency_ms"], result.get("cpu_ms_per_request", {}), result["cpu"]
        lines.append(
            f"| {LABELS[load]} | **{result['rps']:.1f}** | {_ms(lat['p50'])} | {_ms(lat.get('p95'))} | "
            f"{_ms(lat['p99'])} | {result['errors']['total']} | "
            + " | ".join(f"{per.get(c, 0):.2f}" for c in components)
            + f" | **{ours_ms(result, components):.2f}** | {per.get('load generator', 0):.2f} | "
            f"{per.get('unattributed', 0):.2f} | "
            f"{cpu['box_busy_pct']:.0f} % | {cpu['foreign_pct']:.0f} % | "
            f"{result['loadavg_before'][0]:.2f} → {result['loadavg_after'][0]:.2f} |")
    return lines


def _counters_table(results):
    lines = ["| load | Redis cmds/req | RPC calls/req (per service) | PostgreSQL transactions/req | tuples "
             "returned/req | tuples fetched/req | PostgreSQL connections opened/req | share of each process's CPU "
             "spent in the kernel |", "|---|---|---|---|---|---|---|---|"]
    for load in LOAD_ORDER:
        result = results["loads"].get(load, {}).get("concurrent")
        if not result:
            continue
        rpc = ", ".join(f"{name} {n}" for name, n in result.get("rpc_calls_per_request", {}).items() if n)
        pg = result.get("postgres_per_request", {})
        lines.append(f"| {LABELS[load]} | {result.get('redis_commands_per_request')} | {rpc or '0'} | "
                     f"{pg.get('transactions')} | {pg.get('tuples_returned')} | {pg.get('tuples_fetched')} | "
                     f"{pg.get('sessions', '–')} | "
                     + ", ".join(f"{name} {pct} %" for name, pct in result["cpu"].get("kernel_pct_of_process_cpu", {}).items()
                                 if name in SERVICE_ORDER + SHARED) + " |")
    return lines


def verdicts(results):
    loads, targets = results["loads"], results["targets"]
    found = {}
    get = loads.get("get", {}).get("concurrent")
    ping = loads.get("rpc_ping", {}).get("concurrent")
    if get and ping and ping["rps"]:
        pct = round(100 * get["rps"] / ping["rps"], 1)
        found["get-by-id vs plain RPC"] = (pct >= targets["get_pct_of_rpc_ping"],
                                           f"{pct} % of the plain-RPC rate (target ≥ {targets['get_pct_of_rpc_ping']} %)")
    for load in ("search_plain", "search_phone", "search_city", "filter"):
        result = loads.get(load, {}).get("concurrent")
        if result and result["latency_ms"].get("p95") is not None:
            p95 = result["latency_ms"]["p95"]
            found[LABELS[load]] = (p95 <= targets["search_p95_ms"],
                                   f"p95 {p95:.1f} ms (target ≤ {targets['search_p95_ms']} ms)")
    return found


def summary(results):
    out = ["At {} clients:".format(results["settings"]["connections"]), ""] + _rate_table(results, "concurrent")
    if any("single" in passes for passes in results["loads"].values()):
        out += ["", "One client:", ""] + _rate_table(results, "single")
    found = verdicts(results)
    if found:
        out += [""] + [f"- {name}: **{'PASS' if ok else 'MISS'}**, {text}" for name, (ok, text) in found.items()]
    return "\n".join(out)


def _profile_sections(results):
    out = []
    for load, profile in results.get("profiles", {}).items():
        during = profile["load_during_profile"]
        out += [f"### {LABELS[load]} under py-spy ({during['rps']:.0f} req/s while sampled, p50 "
                f"{_ms(during['latency_ms']['p50'])} ms)", ""]
        for process, summary in profile["processes"].items():
            cpu = summary.get("cpu_s_during_load")
            seconds = during.get("seconds")
            used = (f"; the process used {cpu} CPU s in the {seconds} s load, i.e. "
                    f"{cpu * profile['sample_rate_hz']:.0f} samples' worth" if cpu is not None and seconds else "")
            waiting = (f", {summary['waiting_samples']} more set apart as waiting" if "waiting_samples" in summary
                       else "")
            out += [f"#### {PROCESS_LABELS.get(process, process)}: {summary['samples']} active samples at "
                    f"{profile.get('sample_rate_hz', '?')} Hz{waiting} (pids {', '.join(map(str, summary['pids']))}"
                    f"{used})", "",
                    "| library / area (self: innermost known frame) | % | | inclusive: frame anywhere on the "
                    "stack | % |", "|---|---|---|---|---|"]
            left, right = summary["components_self"], summary["areas_inclusive"]
            for i in range(max(len(left), len(right))):
                a = left[i] if i < len(left) else {"what": "", "pct": ""}
                b = right[i] if i < len(right) else {"what": "", "pct": ""}
                out.append(f"| {a['what']} | {a['pct']} | | {b['what']} | {b['pct']} |")
            out += ["", "<details><summary>hottest functions</summary>", "", "| self | % |", "|---|---|"]
            out += [f"| `{row['what']}` | {row['pct']} |" for row in summary["top_self"]]
            out += ["", "| inclusive | % |", "|---|---|"]
            out += [f"| `{row['what']}` | {row['pct']} |" for row in summary["top_inclusive"][:25]]
            out += ["", "</details>", ""]
    return out


def _census_section(census):
    if not census:
        return []
    if "skipped" in census:
        return ["## SQL statements per request", "", f"Skipped: {census['skipped']}.", ""]
    out = ["## SQL statements per request (census)", "",
           f"`log_statement = all` on the bench database only, the services restarted to take it, "
           f"{census['requests_per_case']} sequential requests per case after 10 warm ones; the statements the "
           "idle stack sends (timers) in as long a time are subtracted, statement by statement (rows under 0.1 per "
           "request left out). Read from the server log "
           f"`{census['log']}`.", ""]
    for case, found in census["cases"].items():
        out += [f"**{LABELS[case]}: {found['statements_per_request']} statements per request** (idle stack: "
                f"{found['background_per_s']} statements/s).", "", "| statement (literals folded) | per request |",
                "|---|---|"]
        out += [f"| `{row['statement'].replace('|', '¦')}` | {row['per_request']} |" for row in found["by_statement"]]
        out.append("")
    background = next(iter(census["cases"].values()), {}).get("background")
    if background:
        out += ["What the idle stack sends (outbox relays, job and invitation pollers), statements per second:", "",
                "| statement | per s |", "|---|---|"]
        out += [f"| `{row['statement'].replace('|', '¦')}` | {row['per_s']} |" for row in background[:15]]
        out.append("")
    return out


def markdown(results):
    s, m = results["settings"], results["machine"]
    data = results.get("data", {})
    size = data.get("size", {})
    out = [f"# CPU per request — {results['started_at'][:10]} ({results['name']})", "",
           f"Command: `{results['command'].strip()}`. Started {results['started_at']}, finished "
           f"{results.get('finished_at', '?')}. Database `{results.get('database')}`: "
           f"{size.get('a_contacts', 0):,} + {size.get('b_contacts', 0):,} contacts"
           + (f" (kept database, seeded {data['seed'].get('seeded_at')})" if data.get("seed", {}).get("reused")
              else " (seeded for this run)") + ".", "",
           f"Each load: {s['warmup_s']:g} s warm-up (not counted), then {s['duration_s']:g} s at "
           f"{s['connections']} keep-alive clients and {s['single_duration_s']:g} s at one client, closed loop "
           f"(generator **{s['generator']}**; RPC loads: as many nameko caller processes as clients). CPU ms per "
           "request from /proc over the measured window; stack CPU = every service, the gateway (master and "
           "workers), the PostgreSQL processes of the bench database and its background processes, RabbitMQ and "
           "Redis. The load generator shares the 2 cores (its CPU is shown, not counted). 'Others' share' = CPU "
           "used by processes outside the benchmark (the box is shared); a load above "
           f"{s['max_foreign_pct']:g} % was run again ({s['retries']} retry) and the least disturbed kept.", ""]
    found = verdicts(results)
    if found:
        out += ["Targets (issue 9 §3): " + "; ".join(f"{name} **{'PASS' if ok else 'MISS'}** ({text})"
                                                       for name, (ok, text) in found.items()) + ".", ""]
    out += [f"## At {s['connections']} clients", ""] + _rate_table(results, "concurrent") + [""]
    if any("single" in passes for passes in results["loads"].values()):
        out += ["## One client", ""] + _rate_table(results, "single") + [""]
    out += ["## Round trips per request (at {} clients)".format(s["connections"]), ""] + _counters_table(results)
    out += ["", "Redis commands are counted server-wide (INFO commandstats); PostgreSQL counters are those of the "
            "bench database (pg_stat_database, published by each backend at most once a second). Unattributed "
            "(in the tables above, not in the stack's total) = box busy time no process alive at the end of the "
            "load accounts for: processes that started and ended within it (PostgreSQL backends of connections "
            "opened and closed, parallel query workers), interrupts.", ""]
    if "idle" in results:
        idle = results["idle"]
        out += [f"Idle stack over {idle['seconds']:g} s before the loads (timers, heartbeats), CPU ms per second: "
                + ", ".join(f"{name} {v}" for name, v in idle["cpu_ms_per_s"].items() if v) + ".", ""]
    out += _census_section(results.get("census"))
    if results.get("profiles"):
        out += ["## Profiles (py-spy)", "",
                "py-spy's idle detection does not work on these processes (eventlet's hub, gthread pools): it counted "
                "several times the samples their CPU time was worth (compare the counts with the CPU seconds in each "
                "heading). Samples whose innermost frame is a known wait (bench/profiling.py `WAITING`: an idle "
                "gthread worker, a blocking read of the RPC reply or of Redis, the hub in epoll) are set apart; the "
                "shares below are of the rest, which still counts time in syscalls (socket sends). Read them as where "
                "the active time goes, and the CPU ms per request above (and bench/cpu/inprocess.py) as how much.",
                "", f"Collapsed stacks in `{results.get('profile_files')}` (not kept in the repository).", ""]
        out += _profile_sections(results)
    for key in ("profiles_error", "census_error"):
        if key in results:
            out += [f"**{key}**: {results[key]}", ""]
    source = results.get("source", {})
    out += ["## Set-up", "",
            f"- Machine: {m['nproc']} CPUs, {m['cpu_model']}, {m['memory_gib']} GiB, Linux {m['kernel']}; load "
            f"average at the start {' '.join(m['loadavg_before'])}, at the end "
            f"{' '.join(str(v) for v in results.get('loadavg_end', []))}.",
            f"- Stack: scripts/stack.py as `make run` starts it: {', '.join(s['services'])} (`nameko run`, one "
            f"process each) and the gunicorn gateway, gthread {s['gateway_workers']} workers × "
            f"{s['gateway_threads']} threads.",
            f"- Inputs: {', '.join(f'{k}: `{v}`' for k, v in data.get('examples', {}).items())} (each load "
            "rotates over its pool: 1,000 ids, 60 name pairs, 200 phones, 16 cities, 25 filters).",
            f"- Source: commit {source.get('commit')}"
            + (f", run from a snapshot of that commit (`{source['snapshot']}`, `git archive`: others were editing "
               "the checkout)" if source.get("snapshot") else
               f", {source.get('uncommitted_outside_bench')} uncommitted paths outside bench/ (the services run from "
               "the work tree)") + f"; services imported from `{source.get('services_imported_from')}`.",
            "- Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items() if v) + ".", ""]
    return "\n".join(out)


def write(results, directory, name):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / f"{name}.json", directory / f"{name}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(markdown(results))
    return md_path, json_path
