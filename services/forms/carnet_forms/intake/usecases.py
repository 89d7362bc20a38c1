"""Use cases of the intake area: keyword-only functions over a session; collaborators (Redis, the captcha verifier,
the outbox, the clock's ``now``) passed in.

The public side (F-2, F-4, F-5): ``render`` (the current version of a published form, a render token, one view
counted) and ``submit`` / ``submit_webhook``. A submission is checked (``definition.validate_values``): an invalid
one stores nothing and answers per-field codes, the visitor fixes them. A valid one is stored before the answer
(F-5), accepted — with the outbox event ``forms.submission_accepted`` in the same transaction, nothing else on that
path (contacts applies it later) — or quarantined with its reasons (``spam.py``; F-4: never dropped). The visitor is
never told which: the gateway shows the thank-you for both.

The quarantine and statistics (F-4): admin RPCs scoped to the caller's organization (another's form or submission is
NotFound). Releasing a quarantined submission accepts it (same event, same transaction); discarding keeps its data
for the audit.
"""
import base64
import binascii
import hashlib
import hmac
import json
import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from redis import RedisError

from carnet_common import redis_keys
from carnet_common.contracts import UNSTORABLE
from carnet_common.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable, Unauthorized
from carnet_forms import definition as definitions
from carnet_forms.builder import repository as builder
from carnet_forms.intake import captcha as captchas
from carnet_forms.intake import events, repository, spam, tokens

MAX_KEY_LENGTH = 64
MAX_VALUES = 200                 # posted names (fields, reserved and unknown ones); more is not a person's form
MAX_WEBHOOK_BODY = 64 * 1024     # the gateway refuses larger bodies first (413)
WEBHOOK_TOLERANCE_S = 300        # a signed timestamp further than this from now is refused (and replays last as long)
VIEW_PERIOD_S = 15 * 60          # views are counted per quarter of an hour (tables.form_views)
MAX_STATS_DAYS = 366
DEFAULT_STATS_DAYS = 30
CONSENT_TRUE = ("true", "on", "1", "yes", "oui")


def _iso(value):
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def _uuid(value):
    """A path's id as the uuid it must be, else NotFound (an id that cannot name a row is an unknown one)."""
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise NotFound() from None


# The public side -----------------------------------------------------------------------------------------------------

class StaleForm(Exception):
    """The form read before storing a submission is no longer current (a publish or an unpublish in between)."""


def _published(session, form_key):
    """The current version of the published form ``form_key`` (builder's ``current_version_by_key``), else
    NotFound: an unknown key, a form never published or unpublished (F-2: the public side answers 404)."""
    if not isinstance(form_key, str) or not 0 < len(form_key) <= MAX_KEY_LENGTH:
        raise NotFound()
    form = builder.current_version_by_key(session, form_key)
    if form is None or form["status"] != "published" or form.get("number") is None or not form.get("definition"):
        raise NotFound()
    return form


def _period(now):
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % VIEW_PERIOD_S, timezone.utc)


def render(session, *, form_key, language, now, site_key=None):
    """F-2: what a page shows of the form's current version, in the visitor's language for a "both" form, with a
    render token (F-4: when it was shown, single-use); one view counted."""
    form = _published(session, form_key)
    definition = form["definition"]
    view = definitions.public_view(definition, language if isinstance(language, str) else None)
    provider = view["captcha"]["provider"]
    view = {"key": form["key"], **view,
            "captcha": {"provider": provider, "site_key": site_key if provider != "none" else None}}
    repository.count_view(session, form_id=form["form_id"], period=_period(now))
    return {"form": view, "allowed_origins": list(definition.get("allowed_origins") or []),
            "render_token": tokens.issue(form["key"], form["number"], now=now.timestamp())}


def _thank_you(definition, language):
    thanks = definition.get("thank_you") or {}
    return {"url": thanks.get("url"), "message": (thanks.get("message") or {}).get(language, "")}


def _checked(value):
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() in CONSENT_TRUE


def _captcha_reason(verifier, provider, token, ip):
    if provider == "none":
        return None
    if not token:
        return "captcha_missing"
    try:
        return None if verifier.verify(provider, token, ip) else "captcha_failed"
    except captchas.Unavailable:
        return "captcha_unavailable"


def _token_reason(redis, form, token, min_fill_seconds, now):
    """``(reason, data, claimed)``: ``tokens.check``'s verdict, ``token_reused`` when its nonce was claimed before;
    ``claimed`` the nonce this submission claimed (released if it is not stored)."""
    reason, data = tokens.check(token, form["key"], now=now.timestamp(), min_fill_seconds=min_fill_seconds)
    if data is None or reason not in (None, "too_fast"):
        return reason, data, None
    if not tokens.claim(redis, data["nonce"]):
        return "token_reused", data, None
    return reason, data, data["nonce"]


def _intake(session, *, redis, captcha, outbox, form, values, meta, now):
    """A submission of ``form`` (``_published``'s) checked, then stored, accepted or quarantined (F-4, F-5)."""
    if not isinstance(values, dict):
        raise InvalidInput(errors={"values": ["invalid_type"]})
    if len(values) > MAX_VALUES:
        raise InvalidInput(errors={"values": ["too_many"]})
    definition, channel = form["definition"], meta["channel"]
    language = definitions.choose_language(definition, meta["language"] or _text(values.get("_lang")))
    posted = {str(name): value for name, value in values.items() if name not in definitions.RESERVED_FIELDS}
    clean, errors, unknown = definitions.validate_values(definition, posted, language)
    answer = {"language": language, "thank_you": _thank_you(definition, language)}
    if errors:
        return {"outcome": "invalid", "submission_id": None, "errors": errors, **answer}
    token_reason = token_data = captcha_reason = claimed = None
    if channel != "webhook":
        token_reason, token_data, claimed = _token_reason(
            redis, form, meta["render_token"] or _text(values.get("_token")),
            definition.get("min_fill_seconds", definitions.DEFAULT_MIN_FILL_SECONDS), now)
        captcha_reason = _captcha_reason(captcha, (definition.get("captcha") or {}).get("provider", "none"),
                                         meta["captcha_token"] or _text(values.get("_captcha")), meta["ip"])
    reasons = spam.assess(
        channel=channel, honeypot=values.get(definitions.HONEYPOT_FIELD), token_reason=token_reason,
        token_age=(token_data or {}).get("age"), origin_allowed=meta["origin_allowed"],
        captcha_reason=captcha_reason, posted={k: v for k, v in posted.items() if k != "email"}, clean=clean,
        unknown=unknown)
    consent = definition.get("consent") or {}
    row = {"id": str(uuid.uuid4()), "org_id": form["org_id"], "form_id": form["form_id"], "version": form["number"],
           "received_at": now, "channel": channel, "status": "quarantined" if reasons else "accepted",
           "reasons": reasons, "data": clean, "language": language,
           "meta": {"page_url": meta["page_url"] or _text(values.get("_page_url"), 2000), "origin": meta["origin"],
                    "referer": meta["referer"], "ip": meta["ip"], "user_agent": meta["user_agent"],
                    "language": language},
           "consent": ({"checked": _checked(values.get("_consent")),
                        "text": (consent.get("text") or {}).get(language, ""), "language": language}
                       if consent.get("enabled") else None)}
    try:
        with session.begin():
            if not repository.insert_submission(session, row):
                raise StaleForm(form["key"])   # published again or unpublished since it was read: nothing stored
            if row["status"] == "accepted":
                outbox.add(session, events.SUBMISSION_ACCEPTED,
                           events.submission_accepted_payload(row, definition=definition))
    except BaseException:
        if claimed is not None:
            tokens.release(redis, claimed)   # not stored: the visitor's retry is no reuse
        raise
    return {"outcome": row["status"], "submission_id": row["id"], "errors": {}, **answer}


def _text(value, limit=2000):
    """A reserved field's text (``_page_url``, ``_token``…), cut and storable, or None."""
    value = UNSTORABLE.sub("", value)[:limit] if isinstance(value, str) else None
    return value or None


def _current(session, form_key, published=None):
    """``_published``'s form, from ``published`` (a ``PublishedForms``) when it has it, else read in a short
    transaction of its own (and kept there)."""
    form = published.get(form_key) if published is not None and isinstance(form_key, str) else None
    if form is None:
        with session.begin():
            form = _published(session, form_key)
        if published is not None:
            published.put(form_key, form)
    return form


def _intake_current(session, *, published, form, form_key, **intake):
    """``_intake`` of ``form``; if the insert found it no longer current, once again with the form as it is now
    (NotFound if it was unpublished). Twice stale (two publishes within the post): 503, the visitor sends again."""
    try:
        return _intake(session, form=form, **intake)
    except StaleForm:
        if published is not None:
            published.drop(form_key)
    form = _current(session, form_key)
    try:
        return _intake(session, form=form, **intake)
    except StaleForm:
        raise ServiceUnavailable("service_unavailable") from None


def submit(session, *, redis, captcha, outbox, form_key, values, meta, now, published=None):
    """F-2, F-4, F-5: a visitor's post (the embed script's JSON, a plain HTML form's) → ``{outcome, submission_id,
    errors, language, thank_you}``. The form's current version comes from ``published`` (a per-process
    ``PublishedForms``) or a short transaction of its own (the captcha's verifier is asked with no transaction open);
    the submission is stored in one transaction with its event — the insert checking that the version is still the
    current one — before the answer (F-5), the only round trips to PostgreSQL of the post."""
    form = _current(session, form_key, published)
    return _intake_current(session, published=published, form=form, form_key=form_key, redis=redis, captcha=captcha,
                           outbox=outbox, values=values, meta=meta, now=now)


def policy(session, *, form_key):
    """What the gateway needs to answer a post's origin and CORS (F-4): the published form's allowed origins; no view
    counted (``render`` counts them). One statement: the RPC runs it without a transaction."""
    form = _published(session, form_key)
    return {"allowed_origins": list(form["definition"].get("allowed_origins") or [])}


def webhook_signature_ok(secret, body, signature, timestamp, *, now):
    """Whether ``signature`` (``sha256=<hex>``) is the HMAC-SHA256 of ``f"{timestamp}.{body}"`` with the form's
    ``secret`` and ``timestamp`` (epoch seconds) is within ``WEBHOOK_TOLERANCE_S`` of ``now`` (F-2)."""
    if not all(isinstance(v, str) for v in (secret, body, signature, timestamp)) or not secret:
        return False
    digest = signature.strip()
    digest = digest[len("sha256="):] if digest.lower().startswith("sha256=") else digest
    try:
        sent_at = int(timestamp.strip())
    except ValueError:
        return False
    if abs(now.timestamp() - sent_at) > WEBHOOK_TOLERANCE_S:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp.strip()}.{body}".encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, digest.lower())


def webhook_replay_key(form_id, signature):
    digest = hashlib.sha256(signature.strip().lower().encode()).hexdigest()
    return f"{redis_keys.prefix()}forms:webhook_signature:{form_id}:{digest}"


def submit_webhook(session, *, redis, captcha, outbox, form_key, body, signature, timestamp, meta, now):
    """F-2: a signed JSON post (Zapier, a site's back end): ``Unauthorized("webhook_signature")`` when the signature
    is not the form's secret's, the timestamp is stale, or the signature was used already (Redis SET NX for the
    tolerance: a replay is refused); then the body's object is a submission like any other (channel ``webhook``:
    no render token, origin or captcha, its signature vouches for it)."""
    with session.begin():
        form = _published(session, form_key)
    if not webhook_signature_ok(form.get("webhook_secret"), body, signature, timestamp, now=now):
        raise Unauthorized("webhook_signature")
    try:
        first = redis.set(webhook_replay_key(form["form_id"], signature), "1", nx=True, ex=2 * WEBHOOK_TOLERANCE_S)
    except RedisError:
        raise ServiceUnavailable("service_unavailable") from None   # replays unknowable: the sender retries
    if not first:
        raise Unauthorized("webhook_signature")
    if len(body) > MAX_WEBHOOK_BODY:
        raise InvalidInput(errors={"body": ["too_long"]})
    try:
        values = json.loads(body)
    except ValueError:
        raise InvalidInput(errors={"body": ["invalid_json"]}) from None
    if not isinstance(values, dict):
        raise InvalidInput(errors={"body": ["invalid_type"]})
    meta = {**meta, "channel": "webhook", "render_token": None, "captcha_token": None, "origin_allowed": None}
    return _intake_current(session, published=None, form=form, form_key=form_key, redis=redis, captcha=captcha,
                           outbox=outbox, values=values, meta=meta, now=now)


# The quarantine (F-4) ------------------------------------------------------------------------------------------------

def _own_form(session, actor, form_id):
    form_id = _uuid(form_id)
    if not repository.form_in_org(session, org_id=actor["org_id"], form_id=form_id):
        raise NotFound()
    return form_id


def submission_read(row):
    meta = row["meta"] or {}
    return {"id": row["id"], "received_at": _iso(row["received_at"]), "channel": row["channel"],
            "status": row["status"], "reasons": list(row["reasons"] or []), "data": dict(row["data"] or {}),
            "meta": {key: meta.get(key) for key in ("page_url", "origin", "ip", "user_agent", "language")},
            "contact_id": row["contact_id"], "applied_at": _iso(row["applied_at"]), "consent": row["consent"]}


def encode_cursor(row):
    raw = f"{row['received_at'].isoformat()}|{row['id']}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor):
    """``(received_at, id)`` of a ``next_cursor``; ``InvalidInput`` naming ``cursor`` otherwise."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, submission_id = text.partition("|")
        received_at = datetime.fromisoformat(at)
        if received_at.tzinfo is None:
            raise ValueError(at)
        return received_at, str(uuid.UUID(submission_id))
    except (ValueError, binascii.Error, UnicodeError):
        raise InvalidInput(errors={"cursor": ["invalid_cursor"]}) from None


def list_submissions(session, *, actor, form_id, query):
    form_id = _own_form(session, actor, form_id)
    limit = query.get("limit", 50)
    after = decode_cursor(query["cursor"]) if query.get("cursor") else None
    rows = repository.submissions_page(session, org_id=actor["org_id"], form_id=form_id, status=query.get("status"),
                                       after=after, limit=limit + 1)
    page = rows[:limit]
    return {"items": [submission_read(row) for row in page],
            "next_cursor": encode_cursor(page[-1]) if len(rows) > limit else None}


def _own_submission(session, actor, form_id, submission_id, *, for_update=False):
    form_id = _own_form(session, actor, form_id)
    row = repository.submission(session, org_id=actor["org_id"], form_id=form_id, submission_id=_uuid(submission_id),
                                for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def get_submission(session, *, actor, form_id, submission_id):
    return submission_read(_own_submission(session, actor, form_id, submission_id))


def release_submission(session, *, outbox, actor, form_id, submission_id, now):
    """A quarantined submission accepted after review (409 ``submission_not_quarantined`` otherwise): applied like
    any accepted one, its event in the same transaction."""
    row = _own_submission(session, actor, form_id, submission_id, for_update=True)
    if row["status"] != "quarantined":
        raise Conflict("submission_not_quarantined")
    definition = repository.version_definition(session, form_id=row["form_id"], number=row["version"]) or {}
    row = repository.update_submission(session, row["id"], status="accepted", released_by=actor["user_id"],
                                       released_at=now)
    outbox.add(session, events.SUBMISSION_ACCEPTED,
               events.submission_accepted_payload(row, definition=definition))
    return submission_read(row)


def discard_submission(session, *, actor, form_id, submission_id, now):
    """A quarantined submission set aside (409 ``submission_not_quarantined`` otherwise); its data kept (audit)."""
    row = _own_submission(session, actor, form_id, submission_id, for_update=True)
    if row["status"] != "quarantined":
        raise Conflict("submission_not_quarantined")
    return submission_read(repository.update_submission(session, row["id"], status="discarded",
                                                        discarded_by=actor["user_id"], discarded_at=now))


# Statistics (F-4) ----------------------------------------------------------------------------------------------------

def stats_range(query, *, zone, now):
    """``(first, last)`` days of a statistics query in the organization's time zone: ``to`` default today, ``from``
    default 29 days before ``to``; at most ``MAX_STATS_DAYS`` days, ``from`` not after ``to``."""
    last = date.fromisoformat(query["to"]) if query.get("to") else now.astimezone(zone).date()
    first = (date.fromisoformat(query["from"]) if query.get("from")
             else last - timedelta(days=DEFAULT_STATS_DAYS - 1))
    if first > last:
        raise InvalidInput(errors={"from": ["after_to"]})
    if (last - first).days + 1 > MAX_STATS_DAYS:
        raise InvalidInput(errors={"from": ["range_too_long"]})
    return first, last


def form_stats(session, *, actor, form_id, query, now):
    """Views, submissions by status and by day (the days of the caller's organization's time zone, N-6) and the
    conversion (submissions / views, 0 without a view)."""
    form_id = _own_form(session, actor, form_id)
    zone = ZoneInfo(actor["timezone"])
    first, last = stats_range(query, zone=zone, now=now)
    start = datetime.combine(first, datetime.min.time(), zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone)
    views = repository.views_by_day(session, form_id=form_id, start=start, end=end, timezone=actor["timezone"])
    received = repository.submissions_by_day(session, form_id=form_id, start=start, end=end,
                                             timezone=actor["timezone"])
    totals = {status: sum(day.get(status, 0) for day in received.values())
              for status in ("accepted", "quarantined", "discarded")}
    by_day = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        by_day.append({"day": day.isoformat(), "views": views.get(day, 0),
                       "submissions": sum(received.get(day, {}).values())})
    total_views, submissions = sum(views.values()), sum(totals.values())
    return {"views": total_views, "submissions": submissions, **totals,
            "conversion": round(submissions / total_views, 4) if total_views else 0.0, "by_day": by_day}
