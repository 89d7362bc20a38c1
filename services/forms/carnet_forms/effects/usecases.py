"""Use cases of the effects area (F-3, F-4): what a submission became, and its double opt-in confirmation.

1. ``contacts.form_submission_applied`` → the submission gets its ``contact_id`` and ``applied_at`` (intake's
   ``mark_applied``; its status stays ``accepted``) and ``forms.submission_applied`` carries its consent and task on
   (``rules``), in one transaction; once per submission (a redelivered answer finds it applied and changes nothing).
   A double opt-in form's submission gets a ``confirmations`` row in that transaction.
2. The sending job e-mails each confirmation at most once, as the task invitations are sent (opportunities'
   ``tasks/usecases.py``): a due row is claimed (``sending``, committed) before anything is sent; then ``sent``, back
   to ``pending`` with a backoff after a refusal that sent nothing (``TemporaryFailure``) until ``MAX_ATTEMPTS``,
   ``failed`` after a permanent one, ``unknown`` when the connection broke while the relay held the message (or a
   worker died while sending): never sent twice, since a second mail asking to subscribe is what double opt-in
   exists to avoid.
3. ``confirm_subscription(token)``: the link followed → ``confirmed_at`` and ``forms.consent_confirmed`` (express
   consent, E-11), once; again → ``already_confirmed``.
"""
import os
import uuid
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from carnet_common.errors import InvalidInput, NotFound
from carnet_common.mailer import PermanentFailure, TemporaryFailure, UncertainFailure
from carnet_forms.effects import events, repository, rules
from carnet_forms.intake import repository as intake
from carnet_forms.intake import tokens

DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
MAX_ATTEMPTS = 5
BACKOFF = timedelta(seconds=30)  # doubled at each attempt refused
STALLED_AFTER = timedelta(minutes=10)
SEND_BATCH = 20


def utc_now():
    return datetime.now(timezone.utc)


def public_base_url():
    """The gateway's public address (``PUBLIC_BASE_URL``, as the campaigns service's links read it)."""
    return (os.environ.get("PUBLIC_BASE_URL") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def _uuid(value):
    try:
        return str(uuid.UUID(value)) if isinstance(value, str) and len(value) <= 64 else None
    except ValueError:
        return None


# 1. Applied ----------------------------------------------------------------------------------------------------

def submission_applied(session, *, outbox, data, now=None):
    """``contacts.form_submission_applied``: the submission applied, its consent and task carried on, its
    confirmation queued when the form asks for double opt-in. A redelivery, a submission unknown, of another
    organization or not accepted changes nothing."""
    submission_id, contact_id = _uuid(data.get("submission_id")), data.get("contact_id")
    if submission_id is None or not isinstance(contact_id, str) or not contact_id:
        return None
    row = repository.submission_for_update(session, submission_id)
    if row is None or row["org_id"] != data.get("org_id") or row["status"] != "accepted" \
            or row["applied_at"] is not None:
        return None
    now = now or utc_now()
    intake.mark_applied(session, submission_id, contact_id, now)
    definition = row["definition"] or {}
    outbox.add(session, events.SUBMISSION_APPLIED, events.submission_applied_payload(
        row, contact_id=contact_id, consent=rules.consent_of(definition, row), task=rules.task_of(definition, row)))
    email = (row["data"] or {}).get("email")
    if email and rules.wants_confirmation(definition, row):
        repository.add_confirmation(session, {
            "submission_id": submission_id, "org_id": row["org_id"], "form_id": row["form_id"],
            "version": row["version"], "contact_id": contact_id, "email": email,
            "language": rules.language_of(row), "status": "pending", "attempts": 0, "next_attempt_at": now})
    return contact_id


# 2. The sending job --------------------------------------------------------------------------------------------

def confirmation_message(row, *, sender, base_url, key, now):
    """The confirmation e-mail of a claimed ``row`` (with its version's ``definition``), in its language."""
    language = row["language"] if row["language"] in rules.LANGUAGES else "fr"
    title = (row["definition"].get("title") or {}).get(language) or ""
    link = f"{base_url}/f/confirm/{rules.confirmation_token(row['submission_id'], key=key, now=now.timestamp())}"
    subject, body = rules.confirmation_text(language=language, title=title, link=link)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["email"]
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Date"] = format_datetime(now)
    message.set_content(body)
    message["Content-Language"] = language  # after set_content, which clears the Content-* headers
    return message


def delivery_outcome(row, *, mailer, base_url, key, now):
    """Send a claimed confirmation through ``mailer``; the row's new values."""
    try:
        mailer.send(confirmation_message(row, sender=mailer.sender, base_url=base_url, key=key, now=now))
    except TemporaryFailure as exc:
        if row["attempts"] >= MAX_ATTEMPTS:
            return {"status": "failed", "last_error": str(exc)[:500]}
        return {"status": "pending", "last_error": str(exc)[:500],
                "next_attempt_at": now + BACKOFF * 2 ** (row["attempts"] - 1)}
    except PermanentFailure as exc:
        return {"status": "failed", "last_error": str(exc)[:500]}
    except UncertainFailure as exc:
        return {"status": "unknown", "last_error": str(exc)[:500]}
    return {"status": "sent", "sent_at": now, "last_error": None}


def send_due_confirmations(session, *, mailer, clock=utc_now, base_url=None, key=None):
    """One tick of the job: rows a crashed worker left ``sending`` become ``unknown``, then up to ``SEND_BATCH`` due
    confirmations are sent, each claim and each outcome its own committed transaction."""
    base_url, key = base_url or public_base_url(), key or tokens.secret()
    with session.begin():
        repository.mark_stalled(session, claimed_before=clock() - STALLED_AFTER)
    for _ in range(SEND_BATCH):
        with session.begin():
            row = repository.claim_due(session, now=clock())
        if row is None:
            return
        outcome = delivery_outcome(row, mailer=mailer, base_url=base_url, key=key, now=clock())
        with session.begin():
            repository.set_confirmation(session, row["submission_id"], **outcome)


# 3. The link followed ------------------------------------------------------------------------------------------

def confirm_subscription(session, *, outbox, token, meta=None, key=None, now=None):
    """``{outcome: confirmed|already_confirmed, language}``; ``NotFound`` for a token not ours or naming no
    confirmation, ``InvalidInput`` ``confirmation_expired`` for one older than its 7 days (never confirmed)."""
    now = now or utc_now()
    submission_id, reason = rules.read_confirmation(token, key=key or tokens.secret(), now=now.timestamp())
    submission_id = _uuid(submission_id)
    if reason == "invalid" or submission_id is None:
        raise NotFound()
    row = repository.confirmation_for_update(session, submission_id)
    if row is None:
        raise NotFound()
    if row["confirmed_at"] is not None:
        return {"outcome": "already_confirmed", "language": row["language"]}
    if reason == "expired":
        raise InvalidInput("confirmation_expired", errors={"token": ["confirmation_expired"]},
                           params={"language": row["language"]})
    ip = (meta or {}).get("ip") if isinstance(meta, dict) else None
    ip = ip if isinstance(ip, str) and len(ip) <= 64 else None
    repository.set_confirmation(session, submission_id, confirmed_at=now, confirmed_ip=ip)
    outbox.add(session, events.CONSENT_CONFIRMED, events.consent_confirmed_payload(row, at=now, ip=ip))
    return {"outcome": "confirmed", "language": row["language"]}
