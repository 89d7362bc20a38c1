"""Enrichment's costs (C-6), measured on this machine without the rest of the system:

- parsing a home page at the 1 MB cap with ``reader.read_page`` (CPU in the service's eventlet hub: how long one
  lookup may hold it);
- ``safe_fetch.fetch`` of a 60 kB page from a local site (127.0.0.2, through the test-only allow-list), p50/p95;
- the deadline: a server trickling one byte every 100 ms is cut at the deadline (asked 0.5 s), measured.

    .venv/bin/python bench/enrichment/run.py
"""
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from carnet_contacts.enrichment import reader, safe_fetch

HEAD = ('<html><head><script type="application/ld+json">{"@type": "Organization", "name": "Acme", '
        '"telephone": "514-555-0100", "sameAs": ["https://linkedin.com/company/acme"]}</script>'
        '<meta property="og:site_name" content="Acme"></head><body>')
BLOCK = ('<div class="product"><h2>Produit</h2><p>Du bois franc, <a href="/p/1">voir</a> '
         '<a href="tel:+15145550100">appeler</a></p><img src="/i.png" alt="x"></div>\n')


def page(size):
    body = HEAD + BLOCK * ((size - len(HEAD)) // len(BLOCK))
    return body + "</body></html>"


def bench_parse():
    html = page(1_000_000)
    runs = []
    for _ in range(10):
        start = time.perf_counter()
        facts = reader.read_page(html)
        runs.append(time.perf_counter() - start)
    assert facts["company"] == "Acme"
    return statistics.median(runs), max(runs)


class Site(BaseHTTPRequestHandler):
    body = page(60_000).encode()
    stop = threading.Event()

    def do_GET(self):  # noqa: N802
        if self.path == "/slow":
            self.send_response(200)
            self.end_headers()
            while not Site.stop.wait(0.1):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


def bench_fetch():
    server = ThreadingHTTPServer(("127.0.0.2", 0), Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    policy = safe_fetch.Policy.from_env({"ENRICHMENT_TEST_ALLOW_NETWORKS": "127.0.0.2/32",
                                         "ENRICHMENT_TEST_CONNECT_TO": f"acme.test=127.0.0.2:{server.server_address[1]}"})
    runs = []
    for _ in range(200):
        start = time.perf_counter()
        safe_fetch.fetch("http://acme.test/", policy=policy)
        runs.append(time.perf_counter() - start)
    runs.sort()
    slow = safe_fetch.Policy(**{**policy.__dict__, "timeout": 0.5})
    start = time.perf_counter()
    try:
        safe_fetch.fetch("http://acme.test/slow", policy=slow)
    except safe_fetch.Failed as exc:
        assert exc.reason == "timeout"
    cut = time.perf_counter() - start
    Site.stop.set()
    server.shutdown()
    return statistics.median(runs), runs[int(len(runs) * 0.95)], cut


def main():
    parse_median, parse_max = bench_parse()
    fetch_median, fetch_p95, cut = bench_fetch()
    print(f"read_page, 1 MB page: median {parse_median * 1000:.0f} ms, max {parse_max * 1000:.0f} ms (10 runs)")
    print(f"fetch of a 60 kB local page: p50 {fetch_median * 1000:.2f} ms, p95 {fetch_p95 * 1000:.2f} ms (200 runs)")
    print(f"trickling server, deadline 0.5 s: cut after {cut:.3f} s")


if __name__ == "__main__":
    main()
