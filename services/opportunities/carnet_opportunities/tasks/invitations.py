"""What a task invitation email is (T-3) and how long the sending job waits before trying one again; no I/O.

The job itself (``tasks/usecases.py``: claim, send, record) promises at most one email per invitation; these are
its settings, the backoff between attempts, and the message it sends: the same calendar event for the same task
(``ics.task_uid``), SEQUENCE = the task's version, a Message-ID derived from the invitation id so that a relay
or client that deduplicates on it would also absorb any copy.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from nameko.extensions import DependencyProvider

from carnet_common import config
from carnet_opportunities.tasks import ics, mailer

SUBJECTS = {"REQUEST": {"fr": "Invitation : {title}", "en": "Invitation: {title}"},
            "CANCEL": {"fr": "Annulé : {title}", "en": "Cancelled: {title}"}}
BODIES = {"REQUEST": {"fr": "Vous êtes invité·e : {title}\n\n{description}\n",
                      "en": "You are invited: {title}\n\n{description}\n"},
          "CANCEL": {"fr": "Cet événement est annulé : {title}\n", "en": "This event is cancelled: {title}\n"}}
# A REQUEST in these states may have reached its address: a deleted task's event is cancelled there.
MAY_HAVE_ARRIVED = ("sent", "unknown", "sending")


# The window of the quotas (issue 10 §2): what was asked for in the last day counts.
QUOTA_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class InvitationSettings:
    """How the sending job retries, and the quotas on requests over ``QUOTA_WINDOW`` (issue 10 §2: invitations
    cannot mail arbitrary addresses in bulk): ``per_task`` addresses a task is sent to, ``per_user`` and
    ``per_org`` invitations a user and an organization ask for."""
    max_attempts: int
    retry_base: timedelta
    retry_max: timedelta
    stalled_after: timedelta
    per_task: int = 20
    per_user: int = 200
    per_org: int = 1_000

    @classmethod
    def from_env(cls):
        return cls(max_attempts=config.env_int("INVITATION_MAX_ATTEMPTS", 8),
                   retry_base=timedelta(milliseconds=config.env_int("INVITATION_RETRY_BASE_MS", 30_000)),
                   retry_max=timedelta(seconds=config.env_int("INVITATION_RETRY_MAX_SECONDS", 3_600)),
                   stalled_after=timedelta(seconds=config.env_int("INVITATION_STALLED_SECONDS", 300)),
                   per_task=config.env_int("INVITATION_ADDRESSES_PER_TASK", 20),
                   per_user=config.env_int("INVITATION_PER_USER_PER_DAY", 200),
                   per_org=config.env_int("INVITATION_PER_ORG_PER_DAY", 1_000))


class InvitationSettingsProvider(DependencyProvider):
    """``InvitationSettings`` read from the environment once, when the service starts."""

    def setup(self):
        self.settings = InvitationSettings.from_env()

    def get_dependency(self, worker_ctx):
        return self.settings


def utc_now():
    """The time of tasks and invitations; the sending job receives it as its ``clock``."""
    return datetime.now(timezone.utc)


def backoff(settings, attempts):
    """Delay before attempt ``attempts + 1``: base × 2^(attempts − 1), capped."""
    return min(settings.retry_base * (2 ** max(attempts - 1, 0)), settings.retry_max)


def event_of_task(task):
    """The calendar event a REQUEST sends: the task as it is when the email leaves."""
    return {"id": task["id"], "title": task["title"], "description": task["description"],
            "due_at": task["due_at"], "sequence": task["version"]}


def stored_event(task, sequence):
    """The event a CANCEL row keeps (JSON): the task may be gone when it is sent."""
    return {"id": task["id"], "title": task["title"], "description": task["description"],
            "due_at": task["due_at"].isoformat() if task["due_at"] else None, "sequence": sequence}


def event_of_cancel(event):
    """The event stored by ``stored_event``, as ``message_for`` takes it."""
    due_at = event.get("due_at")
    return {**event, "due_at": datetime.fromisoformat(due_at) if due_at else None}


def message_for(invitation, event, *, sender, now):
    """The email of one invitation row: ``event`` is the task's (REQUEST) or the one stored (CANCEL)."""
    method = invitation["method"]
    language = invitation["language"] if invitation["language"] in ("fr", "en") else "fr"
    calendar = ics.invitation(task=event, sequence=event["sequence"], tz_name=invitation["timezone"],
                              organizer_email=sender, attendee_email=invitation["email"],
                              attendee_name=invitation["name"], stamp=now, method=method)
    return mailer.build_message(
        sender=sender, to_email=invitation["email"], to_name=invitation["name"],
        subject=SUBJECTS[method][language].format(title=event["title"]),
        body=BODIES[method][language].format(title=event["title"], description=event["description"] or ""),
        ics_bytes=calendar, message_id=f"<invitation-{invitation['id']}@carnet>", date=now, method=method)


def addresses_holding_the_event(rows):
    """The last REQUEST row of each address whose event may be in its calendar, not cancelled since."""
    holding = {}
    for row in rows:  # oldest first
        if row["method"] == "REQUEST" and row["status"] in MAY_HAVE_ARRIVED:
            holding[row["email"]] = row
        elif row["method"] == "CANCEL" and row["status"] != "failed":
            holding.pop(row["email"], None)
    return list(holding.values())
