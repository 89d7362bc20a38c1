"""The background job that emails task invitations (T-3): at most once per invitation.

Each step is its own committed transaction:
1. claim: a due ``pending`` row is locked (``FOR UPDATE SKIP LOCKED``, so replicas never share one),
   moved to ``sending`` with ``attempts + 1`` and committed *before* anything is sent;
2. send over SMTP (``mailer``), outside any transaction;
3. record the outcome: ``sent``; back to ``pending`` with exponential backoff on a temporary failure
   (nothing was accepted: connection refused, 4xx) until ``max_attempts``, then ``failed``; ``failed`` on
   a permanent one (5xx); ``unknown`` when the connection broke during DATA.

Why at most once: a crash between 2 and 3 leaves the row in ``sending``; it is never claimed again (after
``stalled_after`` it is marked ``unknown`` for the user to see and resend by hand). A second invitation is a
real annoyance to a contact, a missing one is visible in the task's invitation list. Retrying only what the
relay provably refused keeps that promise while surviving a relay that is down or greylisting. The
Message-ID is derived from the invitation id, so a relay or client that deduplicates on it would also
absorb any copy. The same task always names the same calendar event (``ics.task_uid``), SEQUENCE = the
task's version, so a later invitation for a changed task updates the event instead of adding one: every change
(due time, title…) moves the version by one, so a re-invite after it carries SEQUENCE + 1.

Cancellations (T-3): when a task is deleted (directly, or with its contact or account, C-10), every address that
may hold its event (a REQUEST sent, or of unknown outcome, and not cancelled since) gets a CANCEL row
(``queue_cancellations``), sent by this same job — once, retried on temporary failures — with the same UID and
a SEQUENCE above the last REQUEST's. The row carries the event (``event``): the task may be gone when it is sent.
Invitations still waiting when the task is deleted are never sent (``failed``, ``task_deleted``).
"""
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from carnet_common import config
from carnet_opportunities import ics, mailer
from carnet_opportunities.models import task_invitations, tasks

log = logging.getLogger(__name__)

SUBJECTS = {"REQUEST": {"fr": "Invitation : {title}", "en": "Invitation: {title}"},
            "CANCEL": {"fr": "Annulé : {title}", "en": "Cancelled: {title}"}}
BODIES = {"REQUEST": {"fr": "Vous êtes invité·e : {title}\n\n{description}\n",
                      "en": "You are invited: {title}\n\n{description}\n"},
          "CANCEL": {"fr": "Cet événement est annulé : {title}\n", "en": "This event is cancelled: {title}\n"}}
# A REQUEST in these states may have reached its address: a deleted task's event is cancelled there.
MAY_HAVE_ARRIVED = ("sent", "unknown", "sending")


@dataclass(frozen=True)
class InvitationSettings:
    max_attempts: int
    retry_base: timedelta
    retry_max: timedelta
    stalled_after: timedelta

    @classmethod
    def from_env(cls):
        return cls(max_attempts=config.env_int("INVITATION_MAX_ATTEMPTS", 8),
                   retry_base=timedelta(milliseconds=config.env_int("INVITATION_RETRY_BASE_MS", 30_000)),
                   retry_max=timedelta(seconds=config.env_int("INVITATION_RETRY_MAX_SECONDS", 3_600)),
                   stalled_after=timedelta(seconds=config.env_int("INVITATION_STALLED_SECONDS", 300)))


def _now():
    return datetime.now(timezone.utc)


def backoff(settings, attempts):
    """Delay before attempt ``attempts + 1``: base × 2^(attempts − 1), capped."""
    return min(settings.retry_base * (2 ** max(attempts - 1, 0)), settings.retry_max)


def _event_of_task(task):
    return {"id": task["id"], "title": task["title"], "description": task["description"],
            "due_at": task["due_at"], "sequence": task["version"]}


def _stored_event(event):
    due_at = event.get("due_at")
    return {**event, "due_at": datetime.fromisoformat(due_at) if due_at else None}


def claim(engine):
    """The next due invitation, now ``sending`` (committed), with the event it sends; None when none is due,
    False when the one due cannot be sent (its task is gone: ``failed``)."""
    with Session(engine) as session, session.begin():
        row = session.execute(
            sa.select(task_invitations)
            .where(task_invitations.c.status == "pending", task_invitations.c.next_attempt_at <= _now())
            .order_by(task_invitations.c.next_attempt_at).limit(1)
            .with_for_update(skip_locked=True)).mappings().first()
        if row is None:
            return None
        if row["method"] == "CANCEL":
            event = _stored_event(row["event"])
        else:
            task = session.execute(sa.select(tasks).where(tasks.c.id == row["task_id"])).mappings().first()
            if task is None or task["due_at"] is None or task["deleted_at"] is not None:
                _set(session, row["id"], status="failed", last_error="task_gone")
                return False
            event = _event_of_task(task)
        _set(session, row["id"], status="sending", attempts=row["attempts"] + 1, claimed_at=_now())
        return dict(row, attempts=row["attempts"] + 1), event


def _set(session, invitation_id, **values):
    session.execute(sa.update(task_invitations).where(task_invitations.c.id == invitation_id).values(**values))


def _record(engine, invitation_id, **values):
    with Session(engine) as session, session.begin():
        _set(session, invitation_id, **values)


def message_for(invitation, event, *, sender):
    """The email of one invitation row: ``event`` is the task's (REQUEST) or the one stored (CANCEL)."""
    method = invitation["method"]
    language = invitation["language"] if invitation["language"] in ("fr", "en") else "fr"
    now = _now()
    calendar = ics.invitation(task=event, sequence=event["sequence"], tz_name=invitation["timezone"],
                              organizer_email=sender, attendee_email=invitation["email"],
                              attendee_name=invitation["name"], stamp=now, method=method)
    return mailer.build_message(
        sender=sender, to_email=invitation["email"], to_name=invitation["name"],
        subject=SUBJECTS[method][language].format(title=event["title"]),
        body=BODIES[method][language].format(title=event["title"], description=event["description"] or ""),
        ics_bytes=calendar, message_id=f"<invitation-{invitation['id']}@carnet>", date=now, method=method)


def deliver_next(engine, *, smtp, settings):
    """Send one due invitation; False when none was due."""
    claimed = claim(engine)
    if claimed is None:
        return False
    if claimed is False:
        return True
    invitation, event = claimed
    try:
        mailer.send(smtp, message_for(invitation, event, sender=smtp.sender))
    except mailer.TemporaryFailure as exc:
        if invitation["attempts"] >= settings.max_attempts:
            _record(engine, invitation["id"], status="failed", last_error=f"temporary: {exc}"[:500])
        else:
            _record(engine, invitation["id"], status="pending", last_error=f"temporary: {exc}"[:500],
                    next_attempt_at=_now() + backoff(settings, invitation["attempts"]))
        return True
    except mailer.PermanentFailure as exc:
        _record(engine, invitation["id"], status="failed", last_error=f"permanent: {exc}"[:500])
        return True
    except mailer.UncertainFailure as exc:
        _record(engine, invitation["id"], status="unknown", last_error=f"uncertain: {exc}"[:500])
        return True
    except Exception:  # noqa: BLE001 - a bug building the message: never retried, never a resend
        log.exception("invitation %s could not be built", invitation["id"])
        _record(engine, invitation["id"], status="failed", last_error="internal_error")
        return True
    _record(engine, invitation["id"], status="sent", sent_at=_now(), last_error=None)
    return True


def mark_stalled(engine, *, settings):
    """Rows left in ``sending`` by a crashed worker: the email may have left, so ``unknown``, not resent."""
    with Session(engine) as session, session.begin():
        return session.execute(
            sa.update(task_invitations)
            .where(task_invitations.c.status == "sending",
                   task_invitations.c.claimed_at < _now() - settings.stalled_after)
            .values(status="unknown", last_error="interrupted")).rowcount


# Cancellations -------------------------------------------------------------------------------------------

def _addresses_holding_the_event(rows):
    """The last REQUEST row of each address whose event may be in its calendar, not cancelled since."""
    holding = {}
    for row in rows:  # oldest first
        if row["method"] == "REQUEST" and row["status"] in MAY_HAVE_ARRIVED:
            holding[row["email"]] = row
        elif row["method"] == "CANCEL" and row["status"] != "failed":
            holding.pop(row["email"], None)
    return list(holding.values())


def queue_cancellations(session, *, task, sequence, actor_id):
    """T-3: ``task`` (its row before the delete) is being deleted; withdraw its event wherever it may be.

    Waiting REQUESTs are dropped; each address holding the event gets one CANCEL row (SEQUENCE ``sequence``,
    above every REQUEST's), keyed so that queuing it twice adds nothing. Returns the number queued.
    """
    session.execute(sa.update(task_invitations).where(
        task_invitations.c.task_id == task["id"], task_invitations.c.method == "REQUEST",
        task_invitations.c.status == "pending").values(status="failed", last_error="task_deleted"))
    rows = session.execute(sa.select(task_invitations).where(task_invitations.c.task_id == task["id"])
                           .order_by(task_invitations.c.created_at, task_invitations.c.id)).mappings().all()
    event = {"id": task["id"], "title": task["title"], "description": task["description"],
             "due_at": task["due_at"].isoformat() if task["due_at"] else None, "sequence": sequence}
    now = _now()
    queued = 0
    for request in _addresses_holding_the_event(rows):
        inserted = session.execute(insert(task_invitations).values(
            id=str(uuid.uuid4()), org_id=task["org_id"], task_id=task["id"], method="CANCEL", event=event,
            idempotency_key=f"cancel-{sequence}-{request['email']}", recipient=request["recipient"],
            email=request["email"], name=request["name"], language=request["language"],
            timezone=request["timezone"], status="pending", attempts=0, next_attempt_at=now,
            created_by=actor_id or request["created_by"], created_at=now)
            .on_conflict_do_nothing().returning(task_invitations.c.id)).first()
        queued += inserted is not None
    return queued
