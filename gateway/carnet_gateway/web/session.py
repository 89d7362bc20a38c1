"""The browser's session: a cookie holding the bearer token identity issued at login (``HttpOnly; Secure;
SameSite=Lax``, path ``/app``), the principal read from it by the same code as ``/api/v1`` (``auth.authenticate``),
and the CSRF token every form carries.

CSRF: a signed-in form carries a token derived from the session token (SHA-256 of a fixed label and the token: it
reveals nothing of the token, and changes with every login); before login (the login and sign-up forms) a random
value in a ``carnet_csrf`` cookie is repeated in the form (double submit). Every ``POST`` under ``/app`` is refused
(403) without the right one, and when its ``Origin`` (or ``Referer``) names another site. htmx requests send the
token in ``X-CSRF-Token`` (``static/js/app.js`` reads it from ``<main data-csrf>``; the login, sign-up, logout and
language forms load a whole new page, so the next page's token is the new session's).
"""
import functools
import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, url_for

from carnet_common.errors import Unauthorized
from carnet_gateway import auth

COOKIE = "carnet_session"
ANONYMOUS_CSRF_COOKIE = "carnet_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
COOKIE_PATH = "/app"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def register(blueprint):
    blueprint.before_request(_load_principal)
    blueprint.after_request(_keep_anonymous_csrf)


def register_csrf(blueprint):
    blueprint.before_request(_check_csrf)


def _load_principal():
    g.web_principal = None
    if request.endpoint == "web.static":
        return
    token = request.cookies.get(COOKIE)
    if token and len(token) <= 512:
        try:
            g.web_principal = auth.authenticate(token)
            g.web_token = token
        except Unauthorized:
            g.web_forget_session = True


def principal():
    return g.get("web_principal")


def login_required(view):
    """The page needs a signed-in user: anyone else goes to the login page, and back here after it."""
    @functools.wraps(view)
    def wrapper(**kwargs):
        if principal() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")), 303)
        return view(**kwargs)
    return wrapper


def csrf_token():
    token = g.get("web_token")
    if token:
        return hashlib.sha256(b"carnet-csrf\0" + token.encode()).hexdigest()
    anonymous = g.get("web_anonymous_csrf") or request.cookies.get(ANONYMOUS_CSRF_COOKIE)
    if not anonymous or len(anonymous) != 43:
        anonymous = secrets.token_urlsafe(32)
    g.web_anonymous_csrf = anonymous
    return anonymous


def _check_csrf():
    if request.method in SAFE_METHODS:
        return
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403)
    sent = request.form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if g.get("web_token"):
        expected = csrf_token()
    else:
        expected = request.cookies.get(ANONYMOUS_CSRF_COOKIE) or ""
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(403)


def _keep_anonymous_csrf(response):
    anonymous = g.get("web_anonymous_csrf")
    if anonymous and request.cookies.get(ANONYMOUS_CSRF_COOKIE) != anonymous:
        response.set_cookie(ANONYMOUS_CSRF_COOKIE, anonymous, path=COOKIE_PATH, secure=True, httponly=True,
                            samesite="Lax")
    if g.get("web_forget_session"):
        forget(response)
    return response


def remember(response, token, expires_at=None):
    response.set_cookie(COOKIE, token, path=COOKIE_PATH, secure=True, httponly=True, samesite="Lax")
    return response


def forget(response):
    response.delete_cookie(COOKIE, path=COOKIE_PATH, secure=True, httponly=True, samesite="Lax")
    return response


def safe_next(target, default=None):
    """Where to go next (after login, after a form): a path of the web client only (never another site, never a
    scheme-relative URL); else ``default``, the home page when none is given."""
    if isinstance(target, str) and target.startswith("/app/") and "//" not in target and "\\" not in target \
            and len(target) <= 500:
        return target
    return url_for("web.home") if default is None else default
