"""Closed-loop HTTP load: ``wrk`` with a Lua script when it is installed, else a Python generator.

Both return the same dict: requests, duration_s, rps, errors (transport + non-2xx), statuses and
latency_ms (min/mean/p50/p90/p95/p99/p999/max). wrk measures each request from send to complete response
(closed loop: a client sends its next request when the previous one returned).

The Python fallback runs ``processes`` × ``threads`` clients, one keep-alive ``http.client`` connection
each; it needs far more CPU per request than wrk, and that CPU is taken from the 2 cores the server uses,
so its figures are a lower bound. The report says which generator ran.
"""
import http.client
import json
import math
import multiprocessing
import os
import shutil
import subprocess
import threading
import time
import urllib.parse
from pathlib import Path

LUA_DIR = Path(__file__).resolve().parent / "lua"


def find_wrk():
    return shutil.which("wrk")


def summarise(latencies_ms, *, duration_s, statuses, transport_errors):
    latencies_ms = sorted(latencies_ms)
    requests = len(latencies_ms)
    ok = sum(n for status, n in statuses.items() if 200 <= int(status) < 400)
    non_2xx = sum(n for status, n in statuses.items() if not 200 <= int(status) < 400)

    def pct(p):
        if not latencies_ms:
            return None
        return round(latencies_ms[min(requests - 1, max(0, math.ceil(p / 100 * requests) - 1))], 2)

    return {
        "requests": requests,
        "ok": ok,
        "duration_s": round(duration_s, 2),
        "rps": round(requests / duration_s, 1) if duration_s else 0.0,
        "ok_rps": round(ok / duration_s, 1) if duration_s else 0.0,
        "errors": {"non_2xx": non_2xx, **transport_errors,
                   "total": non_2xx + sum(transport_errors.values())},
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latency_ms": {
            "min": pct(0) if latencies_ms else None,
            "mean": round(sum(latencies_ms) / requests, 2) if requests else None,
            "p50": pct(50), "p90": pct(90), "p95": pct(95), "p99": pct(99), "p999": pct(99.9),
            "max": round(latencies_ms[-1], 2) if latencies_ms else None,
        },
    }


# wrk -----------------------------------------------------------------------------------------------

def run_wrk(wrk, url, *, script, script_args, duration, connections, threads, timeout_s=10, on_start=None):
    """Run wrk once; ``on_start(pid)`` is called with wrk's pid (CPU accounting, profiling)."""
    argv = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", f"--timeout={timeout_s}s", "--latency",
            "-s", str(LUA_DIR / script), url, "--", *script_args]
    env = dict(os.environ, BENCH_LUA_DIR=str(LUA_DIR))
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    if on_start:
        on_start(process.pid)
    out, err = process.communicate(timeout=duration + 120)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {err or out}")
    line = next((raw for raw in out.splitlines() if raw.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{out}\n{err}")
    raw = json.loads(line[len("BENCH_JSON "):])
    duration_s = raw["duration_us"] / 1e6
    statuses = {int(k): v for k, v in raw["statuses"].items()}
    ok = sum(n for status, n in statuses.items() if 200 <= status < 400)
    transport = {key: raw["errors"][key] for key in ("connect", "read", "write", "timeout")}
    non_2xx = raw["errors"]["status"]
    lat = raw["latency_us"]
    return {
        "requests": raw["requests"],
        "ok": ok,
        "duration_s": round(duration_s, 2),
        "rps": round(raw["requests"] / duration_s, 1),
        "ok_rps": round(ok / duration_s, 1),
        "errors": {"non_2xx": non_2xx, **transport, "total": non_2xx + sum(transport.values())},
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "latency_ms": {key: round(lat[key] / 1000, 2) for key in
                       ("min", "mean", "p50", "p90", "p95", "p99", "p999", "max")},
        "wrk_text": out.split("BENCH_JSON")[0].strip(),
    }


# Python fallback -----------------------------------------------------------------------------------

def _client_loop(url, requests_spec, stop_at, warm_until, latencies, statuses, errors, index):
    parts = urllib.parse.urlsplit(url)
    conn = None
    n = index
    while True:
        now = time.monotonic()
        if now >= stop_at:
            break
        method, path, headers, body = requests_spec[n % len(requests_spec)]
        n += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            t0 = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t0) * 1000
        except (OSError, http.client.HTTPException) as exc:
            if time.monotonic() >= warm_until:
                key = "timeout" if isinstance(exc, TimeoutError) else "read"
                errors[key] = errors.get(key, 0) + 1
            if conn is not None:
                conn.close()
            conn = None
            continue
        if time.monotonic() >= warm_until:
            latencies.append(elapsed)
            statuses[response.status] = statuses.get(response.status, 0) + 1
    if conn is not None:
        conn.close()


def _process_main(url, requests_spec, threads, warmup, duration, ready, offset, queue):
    # Every process is imported and ready before the clock starts (spawn re-imports the main module,
    # which can take seconds on a busy machine); they all pass the barrier together.
    ready.wait(timeout=300)
    warm_until = time.monotonic() + 0.1 + warmup
    stop_at = warm_until + duration
    per_thread = [([], {}, {}) for _ in range(threads)]
    workers = [threading.Thread(target=_client_loop, args=(url, requests_spec, stop_at, warm_until,
                                                            *per_thread[i], offset + i * 3))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies, statuses, errors = [], {}, {}
    for lat, st, er in per_thread:
        latencies.extend(lat)
        for k, v in st.items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in er.items():
            errors[k] = errors.get(k, 0) + v
    queue.put((latencies, statuses, errors))


def run_python(url, requests_spec, *, duration, warmup, connections, processes=2, on_start=None):
    """``requests_spec``: a list of (method, path, headers, body) the clients cycle through."""
    processes = max(1, min(processes, connections))
    threads = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(processes)
    procs = [ctx.Process(target=_process_main,
                         args=(url, requests_spec, threads[i], warmup, duration, ready, i * 8, queue))
             for i in range(processes)]
    for proc in procs:
        proc.start()
    if on_start:
        for proc in procs:
            on_start(proc.pid)
    results = [queue.get(timeout=warmup + duration + 420) for _ in procs]
    for proc in procs:
        proc.join()
    latencies, statuses, errors = [], {}, {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    for lat, st, er in results:
        latencies.extend(lat)
        for k, v in st.items():
            statuses[k] = statuses.get(k, 0) + v
        for k, v in er.items():
            errors[k] = errors.get(k, 0) + v
    return summarise(latencies, duration_s=duration, statuses=statuses, transport_errors=errors)
