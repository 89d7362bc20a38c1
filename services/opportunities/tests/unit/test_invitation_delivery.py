"""What the invitation job records of one send (T-3): sent, retried later, failed or unknown, from what the relay
answered — with a hand-written fake mailer and a fixed clock (``tasks.usecases.delivery_outcome``)."""
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from carnet_opportunities.tasks import mailer
from carnet_opportunities.tasks.invitations import InvitationSettings, event_of_cancel, stored_event
from carnet_opportunities.tasks.usecases import delivery_outcome

NOW = datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc)
SETTINGS = InvitationSettings(max_attempts=3, retry_base=timedelta(seconds=30), retry_max=timedelta(hours=1),
                              stalled_after=timedelta(minutes=5))
TASK = {"id": "t1", "org_id": "o1", "title": "Visite", "description": "Usine",
        "due_at": datetime(2026, 7, 2, 13, 30, tzinfo=timezone.utc), "version": 2}


class FakeMailer:
    """Keeps what it is given to send, or refuses it with ``failure``."""

    sender = "crm@carnet.test"

    def __init__(self, failure=None):
        self.failure, self.sent = failure, []

    def send(self, message):
        if self.failure is not None:
            raise self.failure
        self.sent.append(message)


def _invitation(method="REQUEST", attempts=1, language="fr"):
    return {"id": "inv-1", "method": method, "attempts": attempts, "language": language, "email": "luc@client.test",
            "name": "Luc Émond", "timezone": "America/Toronto"}


def _event(method="REQUEST"):
    if method == "CANCEL":
        return event_of_cancel(stored_event(TASK, 3))
    return {"id": TASK["id"], "title": TASK["title"], "description": TASK["description"], "due_at": TASK["due_at"],
            "sequence": TASK["version"]}


def _outcome(fake, **invitation):
    method = invitation.get("method", "REQUEST")
    return delivery_outcome(_invitation(**invitation), _event(method), mailer=fake, settings=SETTINGS,
                            clock=lambda: NOW)


def test_a_message_the_relay_accepts_is_sent_at_the_clocks_time():
    fake = FakeMailer()
    assert _outcome(fake, language="en") == {"status": "sent", "sent_at": NOW, "last_error": None}
    message, = fake.sent
    assert message["Subject"] == "Invitation: Visite" and message["From"] == "crm@carnet.test"
    assert message["Message-ID"] == "<invitation-inv-1@carnet>" and message["To"].addresses[0].display_name == \
        "Luc Émond"
    assert message["Date"].datetime == NOW
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert (event["SEQUENCE"], event.decoded("DTSTAMP")) == (2, NOW)


def test_a_cancel_names_the_stored_event_in_the_invitations_language():
    fake = FakeMailer()
    assert _outcome(fake, method="CANCEL")["status"] == "sent"
    message, = fake.sent
    assert message["Subject"] == "Annulé : Visite"
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["METHOD"] == "CANCEL" and calendar.walk("VEVENT")[0]["SEQUENCE"] == 3


@pytest.mark.parametrize(("attempts", "wait"), [(1, timedelta(seconds=30)), (2, timedelta(seconds=60))])
def test_a_temporary_refusal_is_retried_after_the_backoff(attempts, wait):
    outcome = _outcome(FakeMailer(mailer.TemporaryFailure("451 greylisted")), attempts=attempts)
    assert outcome == {"status": "pending", "last_error": "temporary: 451 greylisted", "next_attempt_at": NOW + wait}


def test_a_temporary_refusal_at_the_last_attempt_fails():
    outcome = _outcome(FakeMailer(mailer.TemporaryFailure("451 greylisted")), attempts=SETTINGS.max_attempts)
    assert outcome == {"status": "failed", "last_error": "temporary: 451 greylisted"}


def test_a_permanent_refusal_fails_at_once():
    outcome = _outcome(FakeMailer(mailer.PermanentFailure("550 no such mailbox")))
    assert outcome == {"status": "failed", "last_error": "permanent: 550 no such mailbox"}


def test_a_connection_broken_during_data_is_unknown_never_retried():
    outcome = _outcome(FakeMailer(mailer.UncertainFailure("connection reset")))
    assert outcome == {"status": "unknown", "last_error": "uncertain: connection reset"}


def test_a_bug_is_a_failure_never_a_resend():
    assert _outcome(FakeMailer(ValueError("bug"))) == {"status": "failed", "last_error": "internal_error"}


def test_a_long_refusal_is_cut_to_what_the_column_keeps():
    outcome = _outcome(FakeMailer(mailer.PermanentFailure("5" * 600)))
    assert len(outcome["last_error"]) == 500
