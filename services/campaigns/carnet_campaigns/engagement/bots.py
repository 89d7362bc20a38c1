"""Which tracking hits were not a person (E-9): pure, unit-tested (tests/unit/test_engagement_bots.py).

A flagged hit is kept (``recipient_events.bot_reason``) and counted apart ("bot hits" in the report), never in the
opens and clicks of the recipient. The reasons, first that applies:

- ``head``: a HEAD request (link checkers ask for headers only; a mail client showing an image or a person following
  a link sends GET);
- ``no_user_agent``: no User-Agent at all;
- ``scanner_agent``: a User-Agent of a known mail-security scanner, link-preview fetcher, HTTP library or crawler
  (``SCANNER_AGENTS``). Mail providers' image proxies that fetch on a person's behalf when they open the message
  (Gmail's ``GoogleImageProxy``, Yahoo's) are NOT flagged: that is how opens reach us from those providers;
- ``too_fast``: a click less than ``CLICK_MIN_SECONDS`` after the message was sent (a scanner follows every link
  on delivery; no person reads and clicks that fast).
Apple Mail Privacy Protection fetches images on delivery through Apple's proxies with an ordinary browser agent: such
opens cannot be told apart and are counted (documented as a limit of open counts).
"""
import re

CLICK_MIN_SECONDS = 5

SCANNER_AGENTS = re.compile(
    r"bot\b|bot/|crawler|spider|scanner|preview|prefetch|slurp|"
    r"barracuda|mimecast|proofpoint|symantec|messagelabs|trend ?micro|fortinet|forcepoint|sophos|zscaler|"
    r"safelinks|safe ?links|cisco|ironport|checkpoint|cloudmark|"
    r"python-requests|python-urllib|aiohttp|httpx|curl/|wget/|go-http-client|okhttp|java/|libwww|apache-httpclient|"
    r"headlesschrome|phantomjs|facebookexternalhit|slackbot|twitterbot|linkedinbot|whatsapp|discordbot|"
    r"skypeuripreview|microsoft office|ms-office",
    re.IGNORECASE)


def classify(*, kind, method, user_agent, at, sent_at):
    """The reason a hit was not a person's, or None. ``at`` and ``sent_at``: epoch seconds (``sent_at`` None when the
    recipient's message has no send time)."""
    if (method or "").upper() == "HEAD":
        return "head"
    agent = (user_agent or "").strip()
    if not agent:
        return "no_user_agent"
    if SCANNER_AGENTS.search(agent):
        return "scanner_agent"
    if kind == "click" and sent_at is not None and at - sent_at < CLICK_MIN_SECONDS:
        return "too_fast"
    return None


def counters(hits):
    """Per recipient, what its human hits add: ``{recipient_id: {open_count, click_count, first_open, first_click}}``
    (``hits``: dicts with ``recipient_id``, ``kind``, ``at``, ``bot_reason``). A click implies an open: a click with no
    open counted before or in this batch is counted as an open too (``implied_open``: the first click's time)."""
    result = {}
    for hit in hits:
        if hit["bot_reason"] is not None:
            continue
        counts = result.setdefault(hit["recipient_id"], {"open_count": 0, "click_count": 0, "first_open": None,
                                                         "first_click": None})
        field, first = ("open_count", "first_open") if hit["kind"] == "open" else ("click_count", "first_click")
        counts[field] += 1
        if counts[first] is None or hit["at"] < counts[first]:
            counts[first] = hit["at"]
    return result
