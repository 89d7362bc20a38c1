"""What every page answer carries (issue 11 "Conventions"), and errors as pages.

- A strict Content-Security-Policy: scripts and styles from ``/app/static`` only, no inline script, style or
  handler (htmx's ``hx-on`` is therefore inert: behaviour lives in ``static/js``), no framing, forms post to this
  site only. ``Report-To`` is not used: the browser suite listens for violations itself.
- No caching of pages (they hold personal data). Static files are linked with their content hash (``?v=``) and kept
  a year by browsers under that URL, so a new release's files are fetched at once and unchanged ones never again.
- A ``CarnetError`` (403, 404, 409, 503...), an HTTP error or a bug (500, logged) becomes a page in the user's
  language; a session that ended sends the user to the login page (htmx: ``HX-Redirect``).
"""
import functools
import hashlib
import logging
from pathlib import Path

from flask import redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from carnet_common.errors import CarnetError, Unauthorized
from carnet_gateway import messages
from carnet_gateway.web import i18n

log = logging.getLogger(__name__)
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def register(blueprint):
    blueprint.url_defaults(_static_version)
    blueprint.after_request(_headers)
    blueprint.register_error_handler(CarnetError, _carnet_error)
    blueprint.register_error_handler(HTTPException, _http_error)
    blueprint.register_error_handler(Exception, _unexpected)


@functools.lru_cache(maxsize=None)
def _fingerprint(filename):
    """A short hash of a static file's content (read once per process): its URL changes when the file does."""
    from carnet_gateway.web import blueprint
    path = Path(blueprint.static_folder) / filename
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else None


def _static_version(endpoint, values):
    """``url_for("web.static", filename=...)`` carries ``?v=<content hash>``."""
    if endpoint == "web.static" and "v" not in values:
        version = _fingerprint(values.get("filename", ""))
        if version:
            values["v"] = version


def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint == "web.static":
        # The page names each file with its content hash: that URL never changes meaning, so browsers keep it a
        # year without asking again; any other URL of a static file is revalidated.
        if response.status_code == 200 and request.args.get("v") == _fingerprint(request.view_args["filename"]):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Vary"] = "Cookie, HX-Request"
    return response


def error_page(status, code, params=None, errors=None):
    lang = i18n.language()
    return render_template("error.html", status=status, title=messages.title(status, lang),
                           detail=messages.render(code, lang, params or {}),
                           errors=errors or {}), status


def _carnet_error(exc):
    if isinstance(exc, Unauthorized):
        target = url_for("web.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
        if request.headers.get("HX-Request"):
            return "", 200, {"HX-Redirect": target}
        return redirect(target, 303)
    return error_page(exc.status, exc.code, exc.params,
                      {field: [messages.render(m, i18n.language(), exc.params) for m in msgs]
                       for field, msgs in (exc.errors or {}).items()})


def _unexpected(exc):
    """A bug: logged with its traceback, and a page in the user's language (not the API's problem+json)."""
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_page(500, "internal_error")


def _http_error(exc):
    code = {403: "forbidden", 404: "not_found", 405: "method_not_allowed", 413: "body_too_large"}.get(
        exc.code, "internal_error")
    return error_page(exc.code or 500, code, {"limit": ""})
