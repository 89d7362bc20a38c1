"""The gateway's gunicorn worker (gunicorn.conf.py): ``gthread``, whose answers to a request it cannot read are
problem+json like every other error of the API (issue 10 §5), not gunicorn's HTML page.

gunicorn refuses a request line longer than ``limit_request_line`` (414) and a header longer than
``limit_request_field_size`` or too many headers (431) before the application is called: the caller's language is
not known yet (its headers were not read), so the problem is in English with the French text after it.
"""
import json

from gunicorn import util
from gunicorn.http.errors import LimitRequestHeaders, LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

from carnet_gateway import messages

PROBLEM_JSON = "application/problem+json"
REFUSED = {LimitRequestLine: (414, "URI Too Long", "request_line_too_long", "limit_request_line"),
           LimitRequestHeaders: (431, "Request Header Fields Too Large", "request_headers_too_large",
                                 "limit_request_field_size")}


def problem_bytes(status, reason, code, limit):
    """The whole HTTP answer: status line, headers and the problem."""
    detail = " / ".join(messages.render(code, language, {"limit": limit}) for language in ("en", "fr"))
    body = json.dumps({"type": f"urn:carnet:problem:{code.replace('_', '-')}", "title": messages.title(status, "en"),
                       "status": status, "detail": detail, "code": code}, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_JSON}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class Worker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        refused = next((entry for kind, entry in REFUSED.items() if isinstance(exc, kind)), None)
        if refused is None:
            return super().handle_error(req, client, addr, exc)
        status, reason, code, setting = refused
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            util.write_nonblock(client, problem_bytes(status, reason, code, getattr(self.cfg, setting)))
        except Exception:  # the client went away: nothing to answer
            self.log.debug("Failed to send error message.")
