"""Budgets of the web client (issue 11 "Tests and budgets"), measured on the 1M-contact bench data.

    .venv/bin/python bench/contacts/run.py --keep-db --seed-only        # once: seed 1M + 100k contacts (~10 min)
    .venv/bin/python bench/web/budgets.py --reuse /tmp/carnet_bench_contacts_<id>.json   # ~10 min
    .venv/bin/python bench/web/budgets.py --reuse STATE --wait-for-list 40   # wait (up to 40 min) for the list page
    .venv/bin/python bench/web/budgets.py                  # no STATE: runs the seeding above first (database kept)

1. JavaScript per page <= 60 kB gzip: every ``<script src>`` (and ``<link rel=modulepreload>``) of each main page,
   plus the modules they import (static ``import ... from "x"`` and ``import("x")`` with a literal), fetched from
   the gateway and gzipped here at level 6 (zlib's default, ``gzip -6``; level 1, nginx's default
   ``gzip_comp_level``, and the raw bytes are reported beside it). The gateway itself (gunicorn + Flask) sends no
   ``Content-Encoding``: the ``Content-Encoding`` it answered to ``Accept-Encoding: gzip, br`` is recorded.
   Cross-checked by the scripts Chromium actually fetched for the contacts list (resource timing).
2. Server time of the contacts list page p95 <= 150 ms, one client: the page and its ``/api/v1`` equivalent
   (bearer token) interleaved request by request on one keep-alive connection each (so the box's changing load
   falls on both alike), N requests after a warm-up, for the bench's admin and its "limited" user.
   Measured from the client over loopback (the gateway logs no per-request time): it is the server's time plus
   a loopback round trip (~0.1 ms).
3. First contentful paint of the contacts list <= 1 s in Chromium (Debian's ``/usr/bin/chromium`` through
   Playwright, headless, no throttling): signed in through the login form, then ``/app/contacts`` loaded by a
   fresh navigation N times in the same context (warm HTTP cache) and N times each in a new context with the
   session (cold cache). FCP is read with ``performance.getEntriesByName('first-contentful-paint')``.

The stack runs every service (as ``make run``) on the kept database (``--reuse``); its bootstrap runs the other
services' migrations on it (empty schemas; the contacts data is untouched). The database is kept.
Writes ``bench/results/web-<date>[-name].md`` and ``.json``.
"""
import argparse
import datetime
import gzip
import http.client
import importlib.util
import json
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
ROOT = BENCH.parent
sys.path[:0] = [str(HERE), str(BENCH / "contacts"), str(BENCH), str(ROOT / "scripts")]

import httpload  # noqa: E402
import lxml.html  # noqa: E402
import report_web  # noqa: E402
import sysinfo  # noqa: E402
from stack import Stack  # noqa: E402

import carnet_testing as testing  # noqa: E402


def _contacts_bench():
    """bench/contacts/run.py as a module (its database, login and query-pool helpers)."""
    spec = importlib.util.spec_from_file_location("contacts_bench_run", BENCH / "contacts" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cb = _contacts_bench()

TARGETS = {"js_gzip_kb": 60, "list_p95_ms": 150, "fcp_ms": 1000}
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LIST_PAGE_SOURCE = "gateway/carnet_gateway/web/views/lists_pages.py"
# (label, candidate paths: the first that answers 200 is measured, anonymous?)
PAGES = [
    ("login", ["/app/login"], True),
    ("contacts list", ["/app/contacts"], False),
    ("contact record", ["/app/contacts/{contact_id}"], False),
    ("opportunities", ["/app/opportunities"], False),
    ("task board", ["/app/tasks/board", "/app/tasks?view=board", "/app/tasks"], False),
    ("dashboard", ["/app/dashboard"], False),
    ("settings", ["/app/settings"], False),
]
IMPORT_RE = re.compile(r"""(?:\bimport\s*(?:[\w*{}\s,$]+\s*from\s*)?|\bexport\s*[\w*{}\s,$]+\s*from\s*)["']([^"']+)["']""")
DYNAMIC_IMPORT_RE = re.compile(r"""\bimport\(\s*["']([^"']+)["']\s*\)""")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", type=Path, metavar="STATE",
                        help="the state file of a database kept by bench/contacts/run.py --keep-db --seed-only "
                             "(without it, that command is run first and its database kept)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per case and side (N)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--max-seconds", type=float, default=240,
                        help="no new measured request of a case after this many seconds (n tells how many ran)")
    parser.add_argument("--wait-idle", type=float, default=60,
                        help="before each timed case, wait up to this many seconds for the shared box to be quiet")
    parser.add_argument("--idle-threshold", type=float, default=50.0, help="'quiet' = at most this %% busy")
    parser.add_argument("--fcp-runs", type=int, default=10)
    parser.add_argument("--api-per-page", type=int, help="per_page of the API equivalent (default: the API's)")
    parser.add_argument("--wait-for-list", type=float, default=0, metavar="MINUTES",
                        help=f"before starting, wait up to MINUTES for a commit of {LIST_PAGE_SOURCE}")
    parser.add_argument("--skip-timing", action="store_true")
    parser.add_argument("--skip-fcp", action="store_true")
    parser.add_argument("--out", type=Path, default=BENCH / "results")
    parser.add_argument("--name", help="results file stem (default web-<date>)")
    return parser.parse_args(argv)


# A browser without JavaScript, over one keep-alive connection --------------------------------------------

class WebSession:
    """Keeps the cookies it is given itself: the session cookie is ``Secure`` and this runs over plain HTTP."""

    def __init__(self, base_url):
        parts = urllib.parse.urlsplit(base_url)
        self.base_url, self.host, self.port = base_url, parts.hostname, parts.port
        self.cookies, self.conn = {}, None

    def request(self, method, path, body=None, headers=None):
        """``(status, headers, body bytes, milliseconds)``."""
        headers = {"Accept": "text/html", "Accept-Language": "fr-CA,fr;q=0.9", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                t0 = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                ms = (time.perf_counter() - t0) * 1000
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            parsed = SimpleCookie()
            parsed.load(header)
            for name, morsel in parsed.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.msg, data, ms

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def login(self, username, password=cb.PASSWORD):
        status, _, body, _ = self.get("/app/login")
        match = re.search(rb'data-csrf="([^"]+)"', body)
        if status != 200 or not match:
            raise SystemExit(f"GET /app/login: HTTP {status}, no CSRF token: {body[:300]!r}")
        form = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrf_token": match.group(1).decode()})
        status, headers, body, _ = self.request("POST", "/app/login", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": self.base_url})
        if status != 303 or "carnet_session" not in self.cookies:
            raise SystemExit(f"POST /app/login as {username}: HTTP {status}: {body[:300]!r}")
        return self

    def close(self):
        if self.conn is not None:
            self.conn.close()


# 1. JavaScript per page ---------------------------------------------------------------------------------

def _sizes(data):
    return {"raw": len(data), "gzip6": len(gzip.compress(data, compresslevel=6, mtime=0)),
            "gzip1": len(gzip.compress(data, compresslevel=1, mtime=0)),
            "gzip9": len(gzip.compress(data, compresslevel=9, mtime=0))}


def _imports(text):
    return IMPORT_RE.findall(text) + DYNAMIC_IMPORT_RE.findall(text)


def measure_js(base, session, contact_id):
    """Per page: its scripts and the modules they import, with their sizes."""
    fetcher = WebSession(base)   # static files need no session
    cache = {}

    def fetch(url):
        if url not in cache:
            status, headers, data, _ = fetcher.get(url, headers={"Accept": "*/*", "Accept-Encoding": "gzip, br"})
            cache[url] = {"url": url, "status": status, "content_encoding": headers.get("Content-Encoding"),
                          "content_type": headers.get("Content-Type"), "data": data,
                          "cache_control": headers.get("Cache-Control"), **_sizes(data if status == 200 else b"")}
        return cache[url]

    pages = []
    for label, candidates, anonymous in PAGES:
        client = WebSession(base) if anonymous else session
        tried = []
        for candidate in candidates:
            path = candidate.format(contact_id=contact_id)
            status, headers, body, ms = client.get(path)
            tried.append({"path": path, "status": status})
            if status == 200:
                break
        row = {"page": label, "path": path, "status": status, "tried": tried, "html_bytes": len(body),
               "html_gzip6": _sizes(body)["gzip6"], "scripts": []}
        if status != 200:
            row["note"] = f"not measured: HTTP {status} (page not built yet?)"
            pages.append(row)
            continue
        doc = lxml.html.fromstring(body)
        queue = [(urllib.parse.urljoin(path, el.get("src")), el.get("type") or "classic", "script src")
                 for el in doc.xpath("//script[@src]")]
        queue += [(urllib.parse.urljoin(path, el.get("href")), "module", "modulepreload")
                  for el in doc.xpath("//link[@rel='modulepreload'][@href]")]
        row["inline_scripts"] = len(doc.xpath("//script[not(@src)]"))
        seen = set()
        while queue:
            url, kind, via = queue.pop(0)
            url = urllib.parse.urlsplit(url)._replace(fragment="").geturl()
            if url in seen:
                continue
            seen.add(url)
            found = fetch(url)
            row["scripts"].append({"url": url, "kind": kind, "via": via,
                                   **{k: v for k, v in found.items() if k not in ("data", "url")}})
            if found["status"] == 200:
                text = found["data"].decode("utf-8", "replace")
                for spec in _imports(text):
                    if spec.startswith((".", "/")):   # a bare specifier would need an import map: none here
                        queue.append((urllib.parse.urljoin(url, spec), "module", f"imported by {url}"))
        ok = [s for s in row["scripts"] if s["status"] == 200]
        row["total"] = {k: sum(s[k] for s in ok) for k in ("raw", "gzip6", "gzip1", "gzip9")}
        row["gzip_each_total"] = row["total"]["gzip6"]
        row["met"] = row["total"]["gzip6"] <= TARGETS["js_gzip_kb"] * 1000
        pages.append(row)
        print(f"  {label:15} {path:28} {len(ok)} scripts, {row['total']['raw'] / 1000:.1f} kB raw, "
              f"{row['total']['gzip6'] / 1000:.1f} kB gzip -6", flush=True)
    fetcher.close()
    return pages


# 2. Server time of the list page ------------------------------------------------------------------------

def _side(latencies, statuses, sizes):
    sizes = sorted(sizes)
    return {"latency_ms": httpload.percentiles(latencies), "statuses": statuses,
            "bytes_median": sizes[len(sizes) // 2] if sizes else None}


def time_pair(web, api, web_paths, api_paths, *, requests, warmup, max_seconds=None):
    """Page and API request interleaved (ABAB, the order swapped every other pair) over the same inputs."""
    for i in range(warmup):
        web.get(web_paths[i % len(web_paths)])
        api.get(api_paths[i % len(api_paths)])
    found = {"web": ([], {}, []), "api": ([], {}, [])}

    def one(side, i):
        if side == "web":
            status, _, body, ms = web.get(web_paths[i % len(web_paths)])
        else:
            status, body, ms = api.get(api_paths[i % len(api_paths)])
        lat, statuses, sizes = found[side]
        lat.append(ms)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
        sizes.append(len(body))

    deadline = time.perf_counter() + max_seconds if max_seconds else None
    with httpload.Window() as window:
        for i in range(requests):
            if deadline and time.perf_counter() > deadline:
                break
            for side in (("web", "api") if i % 2 == 0 else ("api", "web")):
                one(side, warmup + i)
    result = {side: _side(*values) for side, values in found.items()}
    result["window"] = window.result
    result["overhead_p50_ms"] = round(result["web"]["latency_ms"]["p50"] - result["api"]["latency_ms"]["p50"], 2)
    result["overhead_p95_ms"] = round(result["web"]["latency_ms"]["p95"] - result["api"]["latency_ms"]["p95"], 2)
    return result


def _api_path(path, per_page):
    if per_page is None:
        return path
    return path + ("&" if "?" in path else "?") + f"per_page={per_page}"


def visible_ids(base, token, count=200):
    """Contact ids the user's own API search returns (a limited user's record pages must not all be 404s)."""
    ids, page = [], 1
    client = httpload.Client(base, token)
    while len(ids) < count and page <= 40:
        status, body, _ = client.get(f"/api/v1/contacts?per_page=100&page={page * 7}")
        if status != 200:
            break
        items = json.loads(body).get("items", [])
        if not items:
            break
        ids += [item["id"] for item in items[::5]]
        page += 1
    client.close()
    random.Random(11).shuffle(ids)
    return ids[:count]


def wait_quiet(max_wait, threshold):
    """Up to ``max_wait`` seconds for the shared box to be at most ``threshold`` % busy; what it found."""
    t0 = time.monotonic()
    busy = sysinfo.box_busy_pct(2.0)
    while busy > threshold and time.monotonic() - t0 < max_wait:
        busy = sysinfo.box_busy_pct(2.0)
    return {"waited_s": round(time.monotonic() - t0, 1), "box_busy_pct_at_start": busy}


def cpu_probe(stack, database):
    names = sorted({p.carnet_name for p in stack.processes})
    return sysinfo.CpuProbe({name: (lambda n=name: [p.pid for p in stack.processes if p.carnet_name == n])
                             for name in names}, database=database)


def measure_timing(base, users, names, args, stack, database):
    rows = []
    for who, user in users.items():
        web = WebSession(base).login(user["username"])
        api = httpload.Client(base, user["token"])
        quoted = [urllib.parse.quote(n) for n in names]
        cases = [
            ("list, first page (default sort)", ["/app/contacts"], [_api_path("/api/v1/contacts", args.api_per_page)]),
            ("list, page 50", ["/app/contacts?page=50"],
             [_api_path("/api/v1/contacts?page=50", args.api_per_page)]),
            ("list, q=<first last> (60 names rotated)", [f"/app/contacts?q={q}" for q in quoted],
             [_api_path(f"/api/v1/contacts?q={q}", args.api_per_page) for q in quoted]),
            ("record /contacts/<id> (ids rotated)", [f"/app/contacts/{i}" for i in user["ids"]],
             [f"/api/v1/contacts/{i}" for i in user["ids"]]),
        ]
        for label, web_paths, api_paths in cases:
            quiet = wait_quiet(args.wait_idle, args.idle_threshold)
            print(f"bench: {who}: {label}: {args.requests} pages + {args.requests} API calls (box "
                  f"{quiet['box_busy_pct_at_start']} % busy after {quiet['waited_s']} s) …", flush=True)
            probe = cpu_probe(stack, database).start()
            result = time_pair(web, api, web_paths, api_paths, requests=args.requests, warmup=args.warmup,
                               max_seconds=args.max_seconds)
            result["cpu"], result["quiet"] = probe.stop(), quiet
            w, a = result["web"]["latency_ms"], result["api"]["latency_ms"]
            print(f"  page p50 {w['p50']} p95 {w['p95']} p99 {w['p99']} {result['web']['statuses']} | "
                  f"API p50 {a['p50']} p95 {a['p95']} p99 {a['p99']} {result['api']['statuses']} | load "
                  f"{result['window']['loadavg_before'][0]}→{result['window']['loadavg_after'][0]}, "
                  f"box {result['window']['box_busy_pct']} %, others {result['cpu']['foreign_pct']} %", flush=True)
            rows.append({"user": who, "case": label, "example_page": urllib.parse.unquote(web_paths[0]),
                         "example_api": urllib.parse.unquote(api_paths[0]), **result})
        web.close()
        api.close()
    return rows


# 2b. Where the list page's time goes ---------------------------------------------------------------------

# The /api/v1 operations the list page runs one after the other (lists_pages.py ``_list_page``; /stages only for a
# role that reads opportunities), each timed alone over HTTP: their sum beside the page shows what the page adds.
LIST_PAGE_CALLS = ["/api/v1/layouts/contacts", "/api/v1/custom-fields/contacts", "/api/v1/lists",
                   "/api/v1/filters/contacts", "/api/v1/contacts", "/api/v1/stages"]


def decompose_list_page(base, users, requests, warmup, stack, database):
    """Each row also has the CPU milliseconds per request of each process (from /proc), which the box's load
    does not inflate as it does the latency."""
    found = []
    for who, user in users.items():
        api = httpload.Client(base, user["token"])
        web = WebSession(base).login(user["username"])
        rows = []
        for path in ["/app/contacts"] + LIST_PAGE_CALLS:
            client = web if path.startswith("/app") else api
            for _ in range(warmup):
                client.get(path)
            latencies, statuses = [], {}
            probe = cpu_probe(stack, database).start()
            with httpload.Window() as window:
                for _ in range(requests):
                    answer = client.get(path)
                    status, ms = answer[0], answer[-1]
                    latencies.append(ms)
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
            cpu = probe.stop()
            per_request = {name: round(1000 * seconds / requests, 2) for name, seconds in cpu["cpu_s"].items()
                           if name not in ("other processes", "unattributed", "bench driver", "load generator")}
            rows.append({"path": path, "latency_ms": httpload.percentiles(latencies), "statuses": statuses,
                         "window": window.result, "cpu_ms_per_request": per_request,
                         "foreign_pct": cpu["foreign_pct"]})
        page = rows[0]["latency_ms"]["p50"]
        calls = round(sum(r["latency_ms"]["p50"] for r in rows[1:] if "200" in r["statuses"]), 2)
        found.append({"user": who, "rows": rows, "page_p50_ms": page, "calls_p50_sum_ms": calls,
                      "rest_p50_ms": round(page - calls, 2)})
        print(f"  {who}: page p50 {page} ms; its API calls alone, p50 summed: {calls} ms; "
              + ", ".join(f"{r['path'].rsplit('/', 1)[-1]} {r['latency_ms']['p50']}" for r in rows[1:]), flush=True)
        api.close()
        web.close()
    return found


def explain_searches(database_url, orgs):
    """EXPLAIN (ANALYZE, BUFFERS) of the statements the contacts service runs for the list's searches (in process,
    bench/contacts/probes.py), for the cases that are slow."""
    from carnet_contacts.records import usecases

    engine = cb.probes.make_engine(database_url)
    log = cb.probes.StatementLog(engine)
    a = orgs["A"]
    actors = {"admin": {"org_id": a["org_id"], "user_id": a["admin_id"], "is_admin": True, "flags": {},
                        "subordinate_ids": []},
              "limited": {"org_id": a["org_id"], "user_id": a["limited_id"], "is_admin": False, "flags": {},
                          "subordinate_ids": []}}
    out = []
    for who, page in (("admin", 1), ("admin", 50), ("limited", 1), ("limited", 50)):
        def call(session, actor=actors[who], page=page):
            return usecases.search_records(session, actor=actor, record_type="contact",
                                           query={"page": page, "per_page": 50})
        print(f"bench: EXPLAIN the list's search, {who}, page {page} …", flush=True)
        out.append({"case": f"{who}, page {page}", **cb.probes.explain_case(engine, log, call)})
    engine.dispose()
    return out


# 3. First contentful paint ------------------------------------------------------------------------------

READ_TIMINGS = """() => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return {fcp: fcp ? fcp.startTime : null, ttfb: nav ? nav.responseStart : null,
          dcl: nav ? nav.domContentLoadedEventEnd : null, load: nav ? nav.loadEventEnd : null,
          html_transfer: nav ? nav.transferSize : null,
          scripts: performance.getEntriesByType('resource').filter(r => r.initiatorType === 'script')
            .map(r => ({name: r.name, transfer: r.transferSize, encoded: r.encodedBodySize,
                        decoded: r.decodedBodySize, ms: Math.round(r.duration)}))};
}"""


def _read_timings(page, cdp_fallback):
    """Polls until FCP and the load event are recorded (a wait loop here, in the bench, not in a test)."""
    deadline = time.monotonic() + 10
    while True:
        if cdp_fallback is None:
            found = page.evaluate(READ_TIMINGS)
        else:
            found = cdp_fallback.send("Runtime.evaluate", {"expression": f"({READ_TIMINGS})()",
                                                           "returnByValue": True})["result"]["value"]
        if (found["fcp"] is not None and found["load"]) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def measure_fcp(base, username, path, runs):
    from playwright.sync_api import sync_playwright

    results = {"path": path, "chromium": CHROMIUM, "runs": runs}
    viewport = {"width": 1280, "height": 900}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        results["browser_version"] = browser.version
        context = browser.new_context(locale="fr-CA", viewport=viewport)
        page = context.new_page()
        page.goto(base + "/app/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", cb.PASSWORD)
        page.press("input[name=password]", "Enter")   # (the header's language form has a submit button too)
        page.wait_for_url(lambda url: "/app/login" not in url)
        state = context.storage_state()
        # Does page.evaluate work under the page's CSP (script-src 'self', no 'unsafe-eval')? Playwright runs the
        # function over CDP (Runtime.callFunctionOn), which the page's CSP does not govern; the CSP itself is read
        # from the page's answer, and an inline script tag is added to show it refuses the page's own code.
        cdp = None
        try:
            page.evaluate("() => 1 + 1")
            results["evaluate_under_csp"] = "page.evaluate works (its function runs over CDP, which the page's " \
                                            "CSP does not govern)"
        except Exception as exc:  # noqa: BLE001 - the fallback is the point
            results["evaluate_under_csp"] = f"page.evaluate refused ({exc}); read over CDP Runtime.evaluate"
            cdp = context.new_cdp_session(page)
        answer = page.goto(base + path, wait_until="load")
        results["csp_header"] = (answer.headers if answer else {}).get("content-security-policy")
        try:
            page.add_script_tag(content="window.__inlineRan = true;")
            results["inline_script"] = "ran (the CSP is NOT in force?)" if page.evaluate(
                "() => window.__inlineRan === true") else "refused by the page's CSP"
        except Exception as exc:  # noqa: BLE001 - a refusal is the expected answer
            results["inline_script"] = "refused by the page's CSP (" + str(exc).splitlines()[0][:120] + ")"
        warm, cold = [], []
        for _ in range(runs):
            response = page.goto(base + path, wait_until="load")
            found = _read_timings(page, cdp)
            found["status"] = response.status if response else None
            warm.append(found)
        for _ in range(runs):
            fresh = browser.new_context(locale="fr-CA", viewport=viewport, storage_state=state)
            tab = fresh.new_page()
            response = tab.goto(base + path, wait_until="load")
            fresh_cdp = fresh.new_cdp_session(tab) if cdp is not None else None
            found = _read_timings(tab, fresh_cdp)
            found["status"] = response.status if response else None
            cold.append(found)
            fresh.close()
        context.close()
        browser.close()
    for key, loads in (("warm", warm), ("cold", cold)):
        fcps = sorted(x["fcp"] for x in loads if x["fcp"] is not None)
        results[key] = {
            "loads": loads, "statuses": sorted({x["status"] for x in loads}, key=str),
            "fcp_ms": {"n": len(fcps), "p50": round(fcps[(len(fcps) - 1) // 2], 1) if fcps else None,
                       "max": round(fcps[-1], 1) if fcps else None, "min": round(fcps[0], 1) if fcps else None},
            "ttfb_ms_p50": _median([x["ttfb"] for x in loads]), "dcl_ms_p50": _median([x["dcl"] for x in loads]),
            "load_ms_p50": _median([x["load"] for x in loads]),
            "scripts": loads[0]["scripts"] if loads else []}
        print(f"  FCP {key}: p50 {results[key]['fcp_ms']['p50']} ms, max {results[key]['fcp_ms']['max']} ms "
              f"(TTFB p50 {results[key]['ttfb_ms_p50']} ms) {results[key]['statuses']}", flush=True)
    return results


def _median(values):
    values = sorted(v for v in values if v is not None)
    return round(values[(len(values) - 1) // 2], 1) if values else None


# Main ---------------------------------------------------------------------------------------------------

def wait_for_list_page(minutes):
    deadline = time.monotonic() + minutes * 60
    while True:
        log = subprocess.run(["git", "-C", str(ROOT), "log", "--oneline", "-1", "--", LIST_PAGE_SOURCE],
                             capture_output=True, text=True).stdout.strip()
        if log:
            print(f"bench: the list page is committed: {log}", flush=True)
            return log
        if time.monotonic() > deadline:
            print(f"bench: {LIST_PAGE_SOURCE} not committed after {minutes} min: measuring what exists", flush=True)
            return None
        print(f"bench: waiting for a commit of {LIST_PAGE_SOURCE} …", flush=True)
        time.sleep(120)


def seed_database():
    """``bench/contacts/run.py --keep-db --seed-only``: the 1M-contact database, kept; its state file."""
    print("bench: no --reuse STATE: seeding the 1M-contact database first (bench/contacts/run.py --keep-db "
          "--seed-only) …", flush=True)
    process = subprocess.Popen([sys.executable, str(BENCH / "contacts" / "run.py"), "--keep-db", "--seed-only"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    state = None
    for line in process.stdout:
        print("  " + line.rstrip(), flush=True)
        found = re.search(r"state for --reuse written to (\S+)", line)
        if found:
            state = Path(found.group(1))
    if process.wait() != 0 or state is None:
        raise SystemExit("bench: seeding failed")
    return state


def main(argv=None):
    args = parse_args(argv)
    if args.reuse is None:
        args.reuse = seed_database()
    reuse = json.loads(args.reuse.read_text())
    list_commit = wait_for_list_page(args.wait_for_list) if args.wait_for_list else None
    started = datetime.datetime.now().astimezone()
    name = args.name or f"web-{started:%Y-%m-%d}"
    state = sysinfo.source_state(ROOT)
    head = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"], capture_output=True,
                          text=True).stdout.strip()
    list_log = subprocess.run(["git", "-C", str(ROOT), "log", "--oneline", "-1", "--", LIST_PAGE_SOURCE],
                              capture_output=True, text=True).stdout.strip()
    results = {"name": name, "started_at": started.isoformat(timespec="seconds"),
               "command": "python bench/web/budgets.py " + " ".join(sys.argv[1:] if argv is None else argv),
               "targets": TARGETS, "machine": sysinfo.machine(), "versions": sysinfo.versions(),
               "source": {"head": head, **state, "list_page_commit": list_log or list_commit,
                          "list_page_in_tree": (ROOT / LIST_PAGE_SOURCE).exists()},
               "database": reuse["database"], "state_file": str(args.reuse), "seeded_at": reuse["seeded_at"],
               "size": reuse["size"], "requests": args.requests, "warmup": args.warmup}
    log_path = Path(f"/tmp/carnet-bench-web-{started:%Y%m%d-%H%M%S}.log")
    print(f"bench: stack log in {log_path}", flush=True)
    port, offset = cb.free_port(), cb.free_offset()
    orgs = reuse["orgs"]
    with cb.bench_database(True, reuse) as (database_url, admin_url, database), \
            testing.fresh_vhost("carnet_bench") as amqp_uri, open(log_path, "w") as log:
        prefix = testing.fresh_redis_prefix()
        env = testing.test_env(database_url, amqp_uri, prefix, GATEWAY_THREADS=8, SIGNUP_PLANS="professional",
                               API_REQUESTS_PER_USER_MINUTE=cb.UNREACHED_REQUESTS_PER_MINUTE, LOG_LEVEL="WARNING")
        stack = Stack(env, gateway_port=port, port_offset=offset, log=log, gateway_workers=2)
        try:
            print("bench: migrations (every service) and bootstrap …", flush=True)
            stack.bootstrap()
            stack.start(timeout=180)
            results["postgres"] = cb.pg_settings(database_url)
            a = orgs["A"]
            users = {"admin": {"username": "admin.a"}, "limited": {"username": a["limited_username"]}}
            for user in users.values():
                user["token"] = cb.login(stack.url, user["username"])
            rng = random.Random(11)
            users["admin"]["ids"] = [cb.seed.contact_id(a["org_id"], rng.randint(1, reuse["size"]["a_contacts"]))
                                     for _ in range(200)]
            users["limited"]["ids"] = visible_ids(stack.url, users["limited"]["token"])
            results["limited_visible_ids"] = len(users["limited"]["ids"])
            names = cb.query_pools(database_url, a, reuse["size"])["plain"]
            admin_web = WebSession(stack.url).login("admin.a")

            print("bench: JavaScript per page …", flush=True)
            with httpload.Window() as window:
                results["js"] = measure_js(stack.url, admin_web, users["admin"]["ids"][0])
            results["js_window"] = window.result
            _write(results, args)
            if not args.skip_timing:
                results["timing_loadavg_before"] = httpload.loadavg()
                results["timing"] = measure_timing(stack.url, users, names, args, stack, database)
                results["timing_loadavg_after"] = httpload.loadavg()
                _write(results, args)
                print("bench: the list page beside the API operations it runs …", flush=True)
                results["decomposition"] = decompose_list_page(stack.url, users, 50, 5, stack, database)
                results["explain"] = explain_searches(database_url, orgs)
                _write(results, args)
            if not args.skip_fcp:
                print(f"bench: first contentful paint of /app/contacts, {args.fcp_runs} warm + "
                      f"{args.fcp_runs} cold loads …", flush=True)
                with httpload.Window() as window:
                    results["fcp"] = measure_fcp(stack.url, "admin.a", "/app/contacts", args.fcp_runs)
                results["fcp"]["window"] = window.result
        finally:
            stack.stop()
            cb._drop_redis_prefix(env, prefix)
            shutil.rmtree(f"/tmp/carnet-gateway-metrics-{port}", ignore_errors=True)
    results["finished_at"] = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results["loadavg_end"] = httpload.loadavg()
    md_path, json_path = _write(results, args)
    print(md_path.read_text())
    print(f"\nbench: wrote {md_path} and {json_path}; database {database} kept (state {args.reuse})")
    return 0


def _write(results, args):
    args.out.mkdir(parents=True, exist_ok=True)
    md_path, json_path = args.out / f"{results['name']}.md", args.out / f"{results['name']}.json"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))   # first: never lost
    md_path.write_text(report_web.markdown(results))
    return md_path, json_path


if __name__ == "__main__":
    sys.exit(main())
