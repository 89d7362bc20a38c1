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
task's version, so a later invitation for a changed task updates the event instead of adding one.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Session

from carnet_common import config
from carnet_opportunities import ics, mailer
from carnet_opportunities.models import task_invitations, tasks

log = logging.getLogger(__name__)

SUBJECTS = {"fr": "Invitation : {title}", "en": "Invitation: {title}"}
BODIES = {"fr": "Vous êtes invité·e : {title}\n\n{description}\n",
          "en": "You are invited: {title}\n\n{description}\n"}


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


def claim(engine):
    """The next due invitation, now ``sending`` (committed), with its task; None when none is due."""
    with Session(engine) as session, session.begin():
        row = session.execute(
            sa.select(task_invitations)
            .where(task_invitations.c.status == "pending", task_invitations.c.next_attempt_at <= _now())
            .order_by(task_invitations.c.next_attempt_at).limit(1)
            .with_for_update(skip_locked=True)).mappings().first()
        if row is None:
            return None
        task = session.execute(sa.select(tasks).where(tasks.c.id == row["task_id"])).mappings().first()
        if task is None or task["due_at"] is None:
            _set(session, row["id"], status="failed", last_error="task_gone")
            return False
        _set(session, row["id"], status="sending", attempts=row["attempts"] + 1, claimed_at=_now())
        return dict(row, attempts=row["attempts"] + 1), dict(task)


def _set(session, invitation_id, **values):
    session.execute(sa.update(task_invitations).where(task_invitations.c.id == invitation_id).values(**values))


def _record(engine, invitation_id, **values):
    with Session(engine) as session, session.begin():
        _set(session, invitation_id, **values)


def message_for(invitation, task, *, sender):
    language = invitation["language"] if invitation["language"] in SUBJECTS else "fr"
    now = _now()
    calendar = ics.invitation(task=task, sequence=task["version"], tz_name=invitation["timezone"],
                              organizer_email=sender, attendee_email=invitation["email"],
                              attendee_name=invitation["name"], stamp=now)
    return mailer.build_message(
        sender=sender, to_email=invitation["email"], to_name=invitation["name"],
        subject=SUBJECTS[language].format(title=task["title"]),
        body=BODIES[language].format(title=task["title"], description=task["description"] or ""),
        ics_bytes=calendar, message_id=f"<invitation-{invitation['id']}@carnet>", date=now)


def deliver_next(engine, *, smtp, settings):
    """Send one due invitation; False when none was due."""
    claimed = claim(engine)
    if claimed is None:
        return False
    if claimed is False:
        return True
    invitation, task = claimed
    try:
        mailer.send(smtp, message_for(invitation, task, sender=smtp.sender))
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
