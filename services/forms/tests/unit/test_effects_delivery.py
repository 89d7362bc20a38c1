"""The double opt-in confirmation (F-4) as the sending job builds and sends it — with a hand-written fake mailer and a
fixed clock (``effects.usecases.delivery_outcome``): sent once, retried only when the relay provably took nothing,
never resent when it may hold the message."""
from datetime import datetime, timedelta, timezone

import pytest

from carnet_common import mailer
from carnet_forms.effects import rules, usecases

NOW = datetime(2026, 12, 7, 5, 0, tzinfo=timezone.utc)
KEY = b"test-key"


class FakeMailer:
    sender = "carnet@example.test"

    def __init__(self, failure=None):
        self.failure, self.sent = failure, []

    def send(self, message):
        if self.failure:
            raise self.failure
        self.sent.append(message)


def row(attempts=1, language="en"):
    return {"submission_id": "3f0c8f5e-8c1c-4f7e-9d55-0b6f1f0e2a11", "email": "marie@example.test",
            "language": language, "attempts": attempts, "definition": {"title": {"fr": "Infolettre", "en": "News"}}}


def outcome(fake, **kwargs):
    return usecases.delivery_outcome(row(**kwargs), mailer=fake, base_url="https://crm.example.test", key=KEY,
                                     now=NOW)


def test_the_message_in_the_submissions_language_with_its_signed_link():
    fake = FakeMailer()
    assert outcome(fake, language="fr") == {"status": "sent", "sent_at": NOW, "last_error": None}
    (message,) = fake.sent
    assert (message["To"], message["From"], message["Subject"]) == (
        "marie@example.test", "carnet@example.test", "Confirmez votre inscription")
    assert message["Content-Language"] == "fr"
    body = message.get_content()
    link = next(line for line in body.splitlines() if line.startswith("https://crm.example.test/f/confirm/"))
    token = link.rsplit("/", 1)[1]
    assert rules.read_confirmation(token, key=KEY, now=NOW.timestamp()) == (row()["submission_id"], None)
    assert "« Infolettre »" in body


def test_a_refusal_that_sent_nothing_is_retried_later_then_given_up():
    refused = mailer.TemporaryFailure("451 greylisted")
    assert outcome(FakeMailer(refused), attempts=2) == {
        "status": "pending", "last_error": "451 greylisted", "next_attempt_at": NOW + timedelta(seconds=60)}
    assert outcome(FakeMailer(refused), attempts=usecases.MAX_ATTEMPTS)["status"] == "failed"


@pytest.mark.parametrize("failure, status", [
    (mailer.PermanentFailure("550 no such mailbox"), "failed"),
    (mailer.UncertainFailure("connection reset during DATA"), "unknown"),  # the relay may hold it: never resent
])
def test_a_permanent_or_uncertain_failure_is_never_retried(failure, status):
    result = outcome(FakeMailer(failure))
    assert result["status"] == status and "next_attempt_at" not in result
