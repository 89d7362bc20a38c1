"""The local web site the enrichment tests read (C-6; test_enrichment.py): a threaded ``http.server`` on 127.0.0.2
started for the session, and the test-only settings of the suite's system that let its contacts service reach it
(``ENRICHMENT_TEST_ALLOW_NETWORKS``) and map these tests' email domains to addresses
(``ENRICHMENT_TEST_CONNECT_TO``): ``acme.test``, ``empty.test`` and ``hop.test`` to the site, ``inside.test`` to
127.0.0.1 and ``metadata.test`` to 169.254.169.254, both refused since they are not allow-listed."""
import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SITE = "127.0.0.2"
ACME = """<html><head><meta property="og:site_name" content="Acme Bois">
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "LocalBusiness", "name": "Acme Bois inc.", "telephone": "514-555-0100", "url": "https://acme.test/",
  "sameAs": ["https://www.linkedin.com/company/acme-bois"],
  "address": {"@type": "PostalAddress", "streetAddress": "12 rue du Quai", "addressLocality": "Montréal",
              "addressRegion": "QC", "postalCode": "H2X 1Y4", "addressCountry": "CA"}},
 {"@type": "Person", "givenName": "Josée", "familyName": "Tremblay", "jobTitle": "Présidente",
  "email": "josee@acme.test"}]}</script></head><body><a href="https://facebook.com/acmebois">f</a></body></html>"""
PAGES = {"acme.test": (200, {}, ACME), "empty.test": (200, {}, "<html><body>Bienvenue</body></html>"),
         "hop.test": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, "")}


class Site(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        status, headers, body = PAGES.get((self.headers.get("Host") or "").split(":")[0], (404, {}, "none"))
        data = body.encode()
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(data)),
                            **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def running():
    """The site, serving until the block ends; yields the settings of a system that reads it."""
    server = ThreadingHTTPServer((SITE, 0), Site)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    mapped = ",".join([f"acme.test={SITE}:{port}", f"empty.test={SITE}:{port}", f"hop.test={SITE}:{port}",
                       f"inside.test=127.0.0.1:{port}", "metadata.test=169.254.169.254:80"])
    try:
        yield {"ENRICHMENT_TEST_ALLOW_NETWORKS": f"{SITE}/32", "ENRICHMENT_TEST_CONNECT_TO": mapped,
               "ENRICHMENT_TIMEOUT_SECONDS": "2"}
    finally:
        server.shutdown()
        server.server_close()
