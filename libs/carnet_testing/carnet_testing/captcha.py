"""A stand-in for a captcha provider's ``siteverify`` (Turnstile, hCaptcha: F-4) on loopback, for the forms service's
tests: a form-encoded POST of ``secret``, ``response`` (the visitor's token) and ``remoteip`` answered from a table of
tokens."""
import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

# The provider's verdicts by token: "good" passes, "down" is the provider failing; any other token fails.
VERDICTS = {"good": (200, {"success": True}), "down": (500, {})}


class SiteVerify:
    """The running stand-in: ``url`` to verify at, ``seen`` the forms it was posted (one dict per request),
    ``answers`` (token → (HTTP status, JSON body or raw text)) what it says."""

    def __init__(self, server, answers):
        self.server, self.answers, self.seen = server, answers, []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}/siteverify"


@contextlib.contextmanager
def site_verify(answers=None):
    """A stand-in ``siteverify`` answering ``answers`` (default ``VERDICTS``; an unknown token: ``success`` false)."""
    def handler_class(stand_in):
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                stand_in.seen.append({key: values[0] for key, values in form.items()})
                status, body = stand_in.answers.get(form.get("response", [""])[0], (200, {"success": False}))
                raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass
        return Handler

    stand_in = SiteVerify(None, dict(VERDICTS if answers is None else answers))
    stand_in.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class(stand_in))
    threading.Thread(target=stand_in.server.serve_forever, daemon=True).start()
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()
