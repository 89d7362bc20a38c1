"""The results as JSON (everything) and Markdown (the tables a human reads)."""
import json
from pathlib import Path


def _lat(result, key):
    value = result["latency_ms"].get(key)
    return "–" if value is None else f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def verdicts(results):
    loads, targets = results["loads"], results["targets"]
    found = {}
    if "me" in loads:
        me = loads["me"]
        found["me"] = (me["ok_rps"] >= targets["me"]["rps"] and me["latency_ms"]["p99"] < targets["me"]["p99_ms"]
                       and me["errors"]["total"] == 0)
    if "login" in loads:
        login = loads["login"]
        found["login"] = login["ok_rps"] >= targets["login"]["rps"] and login["errors"]["total"] == 0
    return found


def _row(label, clients, result, target="", verdict=None):
    mark = "" if verdict is None else ("**PASS**" if verdict else "**MISS**")
    return (f"| {label} | {clients} | **{result['rps']:.1f}** | {_lat(result, 'p50')} | {_lat(result, 'p90')} | "
            f"**{_lat(result, 'p99')}** | {_lat(result, 'max')} | {result['errors']['total']} | {target} | {mark} |")


def summary_table(results):
    loads, targets, settings = results["loads"], results["targets"], results["settings"]
    found = verdicts(results)
    lines = ["| load | clients | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | target | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    if "me" in loads:
        lines.append(_row("`GET /api/v1/me` (gateway, Redis only)", settings["connections"], loads["me"],
                          f"≥ {targets['me']['rps']}/s, p99 < {targets['me']['p99_ms']} ms", found["me"]))
    if "healthz" in loads:
        lines.append(_row("`GET /healthz` (gateway floor: no auth, no I/O)", settings["connections"],
                          loads["healthz"], "comparison"))
    if "login" in loads:
        lines.append(_row("`POST /api/v1/auth/login` (argon2id + RPC)", settings["connections"], loads["login"],
                          f"≥ {targets['login']['rps']}/s", found["login"]))
    if "rpc_sequential" in loads:
        lines.append(_row("nameko RPC `identity.ping`, sequential", "1", loads["rpc_sequential"], "comparison"))
    for result in loads.get("rpc_concurrent", []):
        lines.append(_row(f"nameko RPC `identity.ping`, {result['callers']} caller processes", result["callers"],
                          result, "comparison"))
    return "\n".join(lines)


def _kernel(cpu, name):
    value = cpu.get("kernel_pct_of_process_cpu", {}).get(name)
    return "–" if value is None else f"{value} %"


def _cpu_table(results):
    loads = results["loads"]
    rows = [("GET /me", loads.get("me")), ("GET /healthz", loads.get("healthz")), ("login", loads.get("login")),
            ("RPC ping ×1", loads.get("rpc_sequential"))]
    rows += [(f"RPC ping ×{r['callers']}", r) for r in loads.get("rpc_concurrent", [])]
    rows = [(label, r) for label, r in rows if r and r.get("cpu")]
    if not rows:
        return []
    components = ["gateway", "identity", "other Carnet services", "rabbitmq", "redis", "postgresql", "load generator",
                  "bench driver"]
    lines = ["| load | box busy | other processes (not ours) | " + " | ".join(components)
             + " | ours, total CPU ms/req | ⇒ box ceiling at that cost | unattributed | Redis cmds/req | "
             "identity RPCs/req "
             "| gateway / identity CPU in kernel |",
             "|---|---|---|" + "---|" * len(components) + "---|---|---|---|---|---|"]
    cores = results["machine"]["nproc"] or 1
    for label, r in rows:
        per = r["cpu_ms_per_request"]
        total = sum(per.get(c, 0) for c in components)
        lines.append(f"| {label} | {r['cpu']['box_busy_pct']:.0f} % | {r['cpu']['foreign_pct']:.0f} % of the box | "
                     + " | ".join(f"{per.get(c, 0):.2f}" for c in components)
                     + f" | {total:.2f} | {1000 * cores / total if total else 0:.0f}/s | "
                     f"{per.get('unattributed', 0):.2f} | "
                     f"{r.get('redis_commands_per_request')} | "
                     f"{r.get('identity_rpc_calls_per_request')} | "
                     f"{_kernel(r['cpu'], 'gateway')} / {_kernel(r['cpu'], 'identity')} |")
    lines += ["", "Redis commands are counted server-wide (INFO commandstats): if another client used this Redis "
              "server during the load, its commands are included. Box ceiling = CPUs × 1000 / (our CPU ms per "
              "request): the rate at which this machine would be "
              "saturated by this load alone, at the CPU cost measured. Other processes = CPU used during the load by "
              "processes that are not part of this benchmark "
              "(another session on the same machine, for instance); above the threshold the load was run again "
              "and the least disturbed attempt kept (all attempts are in the JSON). RabbitMQ, Redis and "
              "PostgreSQL background processes are shared with whatever else runs here. Unattributed (not in our "
              "total) = box busy time not seen in any process (kernel threads, interrupts, steal, "
              "short-lived processes)."]
    return lines


def markdown(results):
    m, v, s, a = results["machine"], results["versions"], results["settings"], results["argon2"]
    loads = results["loads"]
    found = verdicts(results)
    out = [f"# Identity and gateway benchmark — {results['started_at'][:10]}", ""]
    out.append(f"Command: `{results['command'].strip()}` (from the repository root, venv Python; "
               f"`make bench` runs the same with the defaults). Started {results['started_at']}, "
               f"finished {results.get('finished_at', '?')}.")
    out.append("")
    if found:
        out.append("Verdict: " + ", ".join(f"{name} **{'PASS' if ok else 'MISS'}**" for name, ok in found.items())
                   + ".")
        out.append("")
    out.append(f"Each load: {s['warmup_s']:g} s warm-up (not counted), then {s['duration_s']:g} s measured; "
               f"{s['connections']} concurrent keep-alive clients in a closed loop "
               f"(generator: **{s['generator']}**"
               + (f", `-t{s['wrk_threads']} -c{s['connections']}`" if s["generator"] == "wrk" else "")
               + f"). RPC: {s['rpc_calls']} sequential calls, then {s['rpc_duration_s']:g} s per caller count. "
               "Load generator, gateway, identity, RabbitMQ, Redis and PostgreSQL all share the same cores, so "
               "these are lower bounds for a deployment where the clients run elsewhere.")
    out += ["", "## Results", "", summary_table(results), ""]
    if "login" in loads:
        st = loads["login"]["statuses"]
        out.append(f"Login statuses: {st}. ")
    if "me" in loads:
        out.append(f"`/me` statuses: {loads['me']['statuses']}; response body {results['seed']['me_response_bytes']} "
                   "bytes.")
    out.append("")
    cpu = _cpu_table(results)
    if cpu:
        out += ["## Where the CPU went (CPU ms per request, from /proc; Redis INFO commandstats; identity "
                "/metrics)", ""] + cpu + [""]
        for key, label in (("me", "GET /me"), ("login", "login")):
            if key in loads:
                out.append(f"- {label}: Redis commands {loads[key]['redis_commands']}; identity calls "
                           f"{loads[key]['identity_rpc_calls']}.")
        out.append("")
    if "me_inprocess" in results:
        ip = results["me_inprocess"]
        out += ["## GET /me inside the Flask app: CPU per request, one thread (no gunicorn, no contention)", "",
                f"Flask test client against the benchmark's Redis, {ip['requests']} requests per line; CPU time "
                "of that process only, so it does not depend on the rest of the machine. Single-thread wall time "
                f"per `/me`: {ip['wall_ms_per_request_single_thread']} ms.", "",
                "| what | CPU ms per call |", "|---|---|"]
        out += [f"| {what} | {ms} |" for what, ms in ip["cpu_ms"].items()]
        out += ["", "<details><summary>cProfile of GET /me (cumulative)</summary>", "", "```",
                ip["cprofile_cumulative"], "```", "", "</details>", ""]
    if "profile" in results:
        p = results["profile"]
        out += ["## Profile of the gateway workers during GET /me (py-spy, on-CPU samples)", "",
                f"{p['samples']} samples over workers {p['workers']}; the load under the profiler ran at "
                f"{p['load_during_profile']['rps']:.0f} req/s.", "",
                "| component (each sample counted once, to the innermost component on its stack) | % |",
                "|---|---|"]
        out += [f"| {row['what']} | {row['pct']} |" for row in p["components_self"]]
        out += ["", "| area (inclusive: % of samples with such a frame anywhere on the stack) | % |", "|---|---|"]
        out += [f"| {row['what']} | {row['pct']} |" for row in p["areas_inclusive"]]
        out += ["", "| hottest functions, self | % |", "|---|---|"]
        out += [f"| `{row['what']}` | {row['pct']} |" for row in p["top_self"]]
        out += ["", "| hottest functions, inclusive | % |", "|---|---|"]
        out += [f"| `{row['what']}` | {row['pct']} |" for row in p["top_inclusive"][:20]]
        out.append("")
    out += ["## Set-up", "",
            f"- Machine: {m['nproc']} CPUs ({m['nproc_available']} usable), {m['cpu_model']}"
            + (f" at {m['cpu_mhz']:.0f} MHz" if m.get("cpu_mhz") else "")
            + f", {m['memory_gib']} GiB RAM, swap {m['swap_gib']} GiB, Linux {m['kernel']}; load average before "
            f"the run {' '.join(m['loadavg_before'])}.",
            f"- Gateway: gunicorn `gthread`, **{s['gateway_workers']} workers × {s['gateway_threads']} threads** "
            "(gateway/gunicorn.conf.py), one long-lived RPC proxy per thread. Identity: one `nameko run` "
            f"process, max_workers {results.get('service_env', {}).get('IDENTITY_MAX_WORKERS')}, LOG_LEVEL "
            f"{results.get('service_env', {}).get('LOG_LEVEL')}; services started by scripts/stack.py: "
            f"{', '.join(results.get('service_env', {}).get('services', []))}.",
            f"- argon2: **{a['algorithm']}, time_cost {a['time_cost']}, memory_cost {a['memory_cost_kib']} KiB "
            f"({a['memory_cost_kib'] / 1024:.0f} MiB), parallelism {a['parallelism']}**"
            + (f"; one verification costs {a['verify_ms']:.1f} ms of CPU on this machine (median of "
               f"{a['verify_samples']}, one thread, before the stack started; wall {a.get('verify_wall_ms')} ms), so "
               f"{m['nproc']} CPUs verify at most {1000 * m['nproc'] / a['verify_ms']:.0f} "
               "passwords/s with nothing else running" if a.get("verify_ms") else "")
            + ".",
            "- Benchmark-only settings (the load generator is one address logging in the same accounts "
            "over and over, which the production throttles refuse by design): "
            + ", ".join(f"`{k}={val}`" for k, val in s["bench_env"].items())
            + " (production defaults: " + ", ".join(f"{k} {val}" for k, val in
                                                   results.get("login_throttle_defaults", {}).items()) + ").",
            f"- Data: one organization (plan professional), {results['seed']['users']} users plus the "
            "administrator; `/me` cycles over the users' tokens (their principals cached in Redis after the "
            "warm-up), login cycles over the users. Fresh database, RabbitMQ vhost and Redis prefix "
            "(carnet_testing), dropped afterwards.",
            f"- Source: commit {results.get('source', {}).get('commit')}, "
            f"{results.get('source', {}).get('uncommitted_outside_bench')} uncommitted paths outside bench/ in the "
            "work tree at the start (the services run from the work tree).",
            "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items() if val) + ".", ""]
    return "\n".join(out)


def write(results, directory, name):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / f"{name}.json"
    md_path = directory / f"{name}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    md_path.write_text(markdown(results))
    return md_path, json_path
