"""The SSRF-safe fetch of enrichment (C-6) against a real web site run by the test (a threaded ``http.server`` on
127.0.0.2, reached through the test-only allow-list and ``connect_to`` mapping): redirects, deadline, size cap,
and refusals of loopback, link-local and IPv6 loopback targets, directly and through a redirect, logged with the
address. No service, no database: the fetch is a library of the service."""
import ipaddress
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from carnet_contacts.enrichment import safe_fetch
from carnet_contacts.enrichment.providers import WebsiteProvider

SITE_ADDRESS = "127.0.0.2"
HOME = (b'<html><head><script type="application/ld+json">{"@type": "Organization", "name": "Acme",'
        b' "telephone": "514-555-0100"}</script></head><body>Acme</body></html>')


class Site(BaseHTTPRequestHandler):
    routes = {}
    stop = threading.Event()
    seen = []

    def do_GET(self):  # noqa: N802 - http.server's name
        Site.seen.append((self.path, self.headers.get("Host")))
        route = self.routes.get(self.path, (404, {}, b"missing"))
        if callable(route):
            return route(self)
        status, headers, body = route
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body)),
                            **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _trickle(handler):
    """Headers at once, then a byte at a time, slower than any deadline a test sets."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(100):
        if Site.stop.wait(0.1):
            return
        try:
            handler.wfile.write(b"x")
            handler.wfile.flush()
        except OSError:
            return


def _unbounded(handler):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    try:
        for _ in range(300):
            handler.wfile.write(b"y" * 8192)
    except OSError:
        return


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer((SITE_ADDRESS, 0), Site)
    server.daemon_threads = True
    port = server.server_address[1]
    Site.routes = {
        "/": (200, {}, HOME),
        "/hop": (302, {"Location": "/"}, b""),
        "/to-loopback": (302, {"Location": "http://127.0.0.1/"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-ipv6": (302, {"Location": "http://[::1]/"}, b""),
        "/to-mapped": (302, {"Location": "http://[::ffff:127.0.0.1]/"}, b""),
        "/to-file": (302, {"Location": "file:///etc/passwd"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, {"Content-Length": "2000000"}, b""),
        "/unbounded": _unbounded,
        "/slow": _trickle,
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port
    Site.stop.set()
    server.shutdown()
    server.server_close()


def _policy(port, **changes):
    return safe_fetch.Policy(allowed_networks=safe_fetch.Policy.from_env(
        {"ENRICHMENT_TEST_ALLOW_NETWORKS": f"{SITE_ADDRESS}/32"}).allowed_networks,
        connect_to={"acme.test": (SITE_ADDRESS, port)}, **changes)


def test_the_page_is_read_from_the_mapped_address_with_the_name_as_host(site):
    page = safe_fetch.fetch("http://acme.test/hop", policy=_policy(site))
    assert page.url == "http://acme.test/" and page.body == HOME
    assert Site.seen[-1] == ("/", "acme.test")


def test_the_built_in_provider_reads_the_email_domain_home_page(site):
    finding = WebsiteProvider(_policy(site)).lookup(email="jo@acme.test")
    assert (finding.outcome, finding.source) == ("found", "http://acme.test/")   # https failed: not a TLS site
    assert finding.facts == {"company": "Acme", "phone": "514-555-0100"}


@pytest.mark.parametrize("path, address", [("/to-loopback", "127.0.0.1"), ("/to-metadata", "169.254.169.254"),
                                           ("/to-ipv6", "::1"), ("/to-mapped", "::ffff:127.0.0.1")])
def test_a_redirect_to_an_inside_address_is_refused_and_logged(site, caplog, path, address):
    with caplog.at_level(logging.WARNING, logger=safe_fetch.__name__):
        with pytest.raises(safe_fetch.Refused) as refused:
            safe_fetch.fetch(f"http://acme.test{path}", policy=_policy(site))
    assert ipaddress.ip_address(refused.value.address) == ipaddress.ip_address(address)
    assert any(refused.value.address in record.getMessage() for record in caplog.records)


def test_a_redirect_to_another_scheme_is_refused(site):
    with pytest.raises(safe_fetch.Refused, match="scheme"):
        safe_fetch.fetch("http://acme.test/to-file", policy=_policy(site))


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
                                 "http://[::ffff:127.0.0.1]/"])
def test_inside_addresses_are_refused_without_the_allow_list(url):
    with pytest.raises(safe_fetch.Refused):
        safe_fetch.fetch(url, policy=safe_fetch.Policy())


def test_the_site_itself_is_refused_without_the_allow_list(site):
    with pytest.raises(safe_fetch.Refused) as refused:
        safe_fetch.fetch("http://acme.test/", policy=safe_fetch.Policy(connect_to={"acme.test": (SITE_ADDRESS, site)}))
    assert refused.value.reason == "loopback"


def test_redirects_are_bounded(site):
    with pytest.raises(safe_fetch.Failed, match="too_many_redirects"):
        safe_fetch.fetch("http://acme.test/loop", policy=_policy(site))


@pytest.mark.parametrize("path", ["/big", "/unbounded"])
def test_a_body_over_the_cap_is_refused(site, path):
    with pytest.raises(safe_fetch.Failed, match="too_large"):
        safe_fetch.fetch(f"http://acme.test{path}", policy=_policy(site, max_bytes=100_000))


def test_a_trickling_server_is_cut_at_the_deadline(site):
    with pytest.raises(safe_fetch.Failed, match="timeout"):
        safe_fetch.fetch("http://acme.test/slow", policy=_policy(site, timeout=0.4))
