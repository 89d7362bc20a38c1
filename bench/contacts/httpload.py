"""Closed-loop HTTP latency: one client, or N threads each with its own keep-alive connection.

A fixed number of requests per case (rotating over a pool of realistic inputs), so every case gets the
same sample size whatever its speed. Percentiles are nearest-rank. Around each measurement: the load
average and how busy the whole box was (``/proc/stat``), since other sessions share this machine.
"""
import http.client
import json
import math
import threading
import time
import urllib.parse


def _box_ticks():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values), idle


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(v) for v in f.read().split()[:3]]


class Window:
    """Load average before/after and the box's busy % over the window."""

    def __enter__(self):
        self.before = loadavg()
        self.ticks = _box_ticks()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        total, idle = _box_ticks()
        dt, di = total - self.ticks[0], idle - self.ticks[1]
        self.result = {"loadavg_before": self.before, "loadavg_after": loadavg(),
                       "box_busy_pct": round(100 * (dt - di) / dt, 1) if dt else None,
                       "wall_s": round(time.perf_counter() - self.t0, 2)}


def percentiles(values):
    values = sorted(values)
    n = len(values)

    def pct(p):
        return round(values[min(n - 1, max(0, math.ceil(p / 100 * n) - 1))], 2) if n else None

    return {"n": n, "p50": pct(50), "p95": pct(95), "p99": pct(99), "max": round(values[-1], 2) if n else None,
            "mean": round(sum(values) / n, 2) if n else None}


class Client:
    def __init__(self, base_url, token):
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self.conn = None

    def get(self, path):
        """``(status, body bytes, milliseconds)``."""
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                t0 = time.perf_counter()
                self.conn.request("GET", path, headers=self.headers)
                response = self.conn.getresponse()
                body = response.read()
                return response.status, body, (time.perf_counter() - t0) * 1000
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()


def run(base_url, token, paths, *, requests, clients=1, warmup=10, max_seconds=None):
    """``requests`` GETs over ``paths`` (rotating) from ``clients`` threads, after ``warmup`` unmeasured ones
    per client; no new request after ``max_seconds`` (slow cases keep the run bounded: ``n`` tells how many
    were measured). Returns latency percentiles, statuses, the totals the pages reported, and the window."""
    deadline = [None]
    latencies, statuses, totals = [], {}, []
    lock = threading.Lock()
    counter = iter(range(requests))
    offsets = iter(range(0, 10_000_000, 7919))

    def worker(index):
        client = Client(base_url, token)
        start = next(offsets)
        for i in range(warmup):
            client.get(paths[(start + i) % len(paths)])
        barrier.wait()
        while True:
            with lock:
                n = next(counter, None)
            if n is None or (max_seconds and time.perf_counter() > deadline[0]):
                break
            status, body, ms = client.get(paths[(n + index * 31) % len(paths)])
            total = None
            if status == 200 and body[:1] == b"{":
                total = json.loads(body).get("total")
            with lock:
                latencies.append(ms)
                statuses[status] = statuses.get(status, 0) + 1
                if total is not None:
                    totals.append(total)
        client.close()

    barrier = threading.Barrier(clients + 1, action=lambda: deadline.__setitem__(
        0, time.perf_counter() + (max_seconds or 0)))
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    with Window() as window:
        t0 = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - t0
    totals.sort()
    return {"clients": clients, "planned": requests, "max_seconds": max_seconds,
            "latency_ms": percentiles(latencies), "rps": round(len(latencies) / elapsed, 1),
            "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "page_total": {"min": totals[0], "median": totals[len(totals) // 2], "max": totals[-1]}
            if totals else None,
            "window": window.result}
