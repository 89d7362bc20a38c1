"""The public pages of campaign e-mails (no login): the unsubscribe page and RFC 8058 one-click POST (E-7), the
open pixel and click redirect (E-9), all behind tokens signed by the campaigns service
(carnet_contracts.campaign_links). Registered on the app by ``register``.

- ``GET /u/<token>``: the page, in the recipient's language (``?lang=fr|en`` switches): the organization's logo, the
  fixed sentence with its sender name (S-8), the masked address, one button, its legal text. A GET never
  unsubscribes (link scanners prefetch GETs).
- ``POST /u/<token>``: unsubscribes at once (the campaigns service's ``unsubscribe``: suppression list and event in
  one transaction). A body ``List-Unsubscribe=One-Click`` (RFC 8058, sent by mail clients) answers 200 with a line
  of text; the page's form answers 303 back to the page, which then says it is done. No CSRF token: the signed token
  IS the proof, and the only effect a forged POST could have is the one the link's owner asked for.
- ``GET|HEAD /t/o/<token>.gif``: a 43-byte transparent GIF; ``GET|HEAD /t/c/<token>``: 302 to the signed target
  (http/https only). Each hit is queued on a Redis list (carnet_contracts.engagement; a process's hits go in one
  RPUSH every 0.2 s or 64 hits, ``HitBuffer``) that the campaigns service drains in batches: no RPC per hit. If
  Redis is down, the hits are lost and the pixel or redirect still answers.
- A token that is not ours, changed, or of another kind: 400, a page in both languages (nothing changed); a genuine
  token whose recipient no longer exists: 404, the same page.
"""
import base64
import logging
import os
import threading
import time
from urllib.parse import urlsplit

import redis
from flask import Response, current_app, redirect, request, url_for

from carnet_common.errors import NotFound
from carnet_contracts import campaign_links, engagement
from carnet_gateway import public_pages, services

log = logging.getLogger(__name__)

PIXEL = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")  # 43 bytes, transparent
LANGS = public_pages.LANGS
ONE_CLICK = "One-Click"
CSP = ("default-src 'none'; img-src https: http: data:; style-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
PUBLIC_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow",
                  "X-Frame-Options": "DENY"}


def register(app):
    app.add_url_rule("/u/<token>", "public_unsubscribe_page", unsubscribe_page, methods=["GET"])
    app.add_url_rule("/u/<token>", "public_unsubscribe", unsubscribe, methods=["POST"])
    app.add_url_rule("/t/o/<token>.gif", "public_open", pixel, methods=["GET"])
    app.add_url_rule("/t/c/<token>", "public_click", click, methods=["GET"])


# Pages -------------------------------------------------------------------------------------------------------------

def _page(template, status=200, **context):
    return public_pages.page(template, status=status, csp=CSP, headers=PUBLIC_HEADERS, **context)


_use_language = public_pages.use_language   # the recipient's language is the link's


def _invalid(status):
    return public_pages.both_languages(status=status, title="engagement.public_invalid_title",
                                       body="engagement.public_invalid", csp=CSP, headers=PUBLIC_HEADERS)


def _recipient(token):
    try:
        return campaign_links.verify("unsubscribe", token)["recipient_id"]
    except campaign_links.BadToken:
        return None


def _logo(url):
    return url if isinstance(url, str) and urlsplit(url).scheme in ("http", "https") else None


def unsubscribe_page(token):
    recipient_id = _recipient(token)
    if recipient_id is None:
        return _invalid(400)
    try:
        target = services.campaigns.call("get_unsubscribe_target", recipient_id)
        profile = services.identity.call("get_public_profile", target["org_id"])
    except NotFound:
        return _invalid(404)
    wanted = request.args.get("lang")
    language = _use_language(wanted if wanted in LANGS else target["language"])
    other = "en" if language == "fr" else "fr"
    return _page("public/unsubscribe.html", language=language, target=target, profile=profile,
                 logo=_logo(profile.get("logo_url")), action=url_for("public_unsubscribe", token=token),
                 switch=url_for("public_unsubscribe_page", token=token, lang=other), other=other)


def unsubscribe(token):
    one_click = request.form.get("List-Unsubscribe") == ONE_CLICK
    recipient_id = _recipient(token)
    if recipient_id is None:
        return _text("invalid link", 400) if one_click else _invalid(400)
    try:
        services.campaigns.call("unsubscribe", recipient_id, "one_click" if one_click else "page")
    except NotFound:
        return _text("unknown recipient", 404) if one_click else _invalid(404)
    if one_click:
        return _text("unsubscribed", 200)
    language = request.form.get("lang")
    response = redirect(url_for("public_unsubscribe_page", token=token,
                                lang=language if language in LANGS else None), 303)
    response.headers.update(PUBLIC_HEADERS)
    return response


def _text(text, status):
    response = Response(text + "\n", status=status, mimetype="text/plain")
    response.headers.update(PUBLIC_HEADERS)
    return response


# Tracking (E-9) ----------------------------------------------------------------------------------------------------

class HitBuffer:
    """The hits of this gateway process, sent to Redis in one RPUSH per ``FLUSH_AT`` hits or every ``FLUSH_EVERY_S``
    seconds (a thread of the process, started at its first hit: after gunicorn's fork), not one round trip per hit:
    the pixel's cost is then the request's, not Redis's (bench/campaigns/pixel.py). What a process holds when it dies
    (at most ``FLUSH_EVERY_S`` of hits) is lost with it: tracking is best effort."""

    FLUSH_AT = 64
    FLUSH_EVERY_S = 0.2

    def __init__(self, background=True):
        self.lock = threading.Lock()
        self.pending = []
        self.pid = None
        self.background = background  # False: flushed only when full or when asked (unit tests)
        self.client = None

    def add(self, client, hit):
        with self.lock:
            self.client = client
            if self.pid != os.getpid():  # first hit of this process: its flusher
                self.pid, self.pending = os.getpid(), []
                if self.background:
                    threading.Thread(target=self._flush_forever, daemon=True, name="tracking-hits").start()
            self.pending.append(hit)
            full = len(self.pending) >= self.FLUSH_AT
        if full:
            self.flush(client)

    def flush(self, client):
        with self.lock:
            hits, self.pending = self.pending, []
        if not hits:
            return
        try:
            if client.rpush(engagement.hits_key(), *hits) > engagement.QUEUE_MAX:
                client.ltrim(engagement.hits_key(), 0, engagement.QUEUE_MAX - 1)
        except redis.RedisError as exc:
            log.warning("%d tracking hits lost: %s", len(hits), exc)

    def _flush_forever(self):
        while True:
            time.sleep(self.FLUSH_EVERY_S)
            self.flush(self.client)


HITS = HitBuffer()


def _queue(kind, recipient_id, url=None):
    """Queue the hit for the campaigns service (through this process's buffer)."""
    HITS.add(current_app.extensions["carnet.redis"], engagement.encode_hit(
        kind, recipient_id, at=time.time(), method=request.method, user_agent=request.headers.get("User-Agent", ""),
        address=request.remote_addr, url=url))


def pixel(token):
    try:
        recipient_id = campaign_links.verify("open", token)["recipient_id"]
    except campaign_links.BadToken:
        return _text("invalid link", 400)
    _queue("open", recipient_id)
    response = Response(PIXEL, mimetype="image/gif")
    response.headers.update(PUBLIC_HEADERS)
    response.headers["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0"
    return response


def click(token):
    try:
        data = campaign_links.verify("click", token)
    except campaign_links.BadToken:
        return _invalid(400)
    if not public_pages.safe_target(data["url"]):
        return _invalid(400)
    _queue("click", data["recipient_id"], url=data["url"])
    response = redirect(data["url"], 302)
    response.headers.update(PUBLIC_HEADERS)
    return response
