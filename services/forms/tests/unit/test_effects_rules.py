"""What a submission carries on once applied (F-3, F-4, E-11): its consent (express only for a ticked box without
double opt-in), its follow-up task, whether a double opt-in confirmation is sent, the confirmation's token and text."""
from datetime import datetime, timezone

import pytest

from carnet_forms.effects import rules

KEY = b"test-key"
RECEIVED = datetime(2026, 12, 7, 3, 30, tzinfo=timezone.utc)  # 22:30 on Dec 6 in Toronto


def definition(*, box=True, double_opt_in=False, task=None):
    return {"consent": {"enabled": box, "text": {"fr": "J'accepte vos courriels", "en": "I accept your e-mails"}},
            "double_opt_in": double_opt_in,
            "task": task or {"enabled": False, "rep_user_id": None, "title": {"fr": "", "en": ""}, "due_in_days": 1}}


def submission(*, consent=True, language="en"):
    return {"id": "s1", "form_id": "f1", "version": 3, "received_at": RECEIVED, "language": language,
            "consent": consent, "meta": {"page_url": "https://www.example.com/contact", "ip": "203.0.113.9"}}


@pytest.mark.parametrize("box, ticked, double_opt_in, kind", [
    (True, True, False, "express"),     # the box ticked: express
    (True, True, True, "implied"),      # double opt-in: an inquiry until the link is followed
    (True, False, False, "implied"),    # the box left unticked: an inquiry only
    (False, True, False, "implied"),    # no box: an inquiry (a stray "consent" value counts for nothing)
    (False, None, True, "implied"),
])
def test_the_consent_kind(box, ticked, double_opt_in, kind):
    consent = rules.consent_of(definition(box=box, double_opt_in=double_opt_in), submission(consent=ticked))
    assert consent["kind"] == kind and consent["source"] == "form"


def test_the_consents_proof_is_what_was_shown_in_the_language_shown():
    consent = rules.consent_of(definition(), submission(language="fr"))
    assert consent == {"kind": "express", "source": "form", "form_id": "f1", "version": 3,
                       "page_url": "https://www.example.com/contact", "text": "J'accepte vos courriels",
                       "at": RECEIVED.isoformat(), "ip": "203.0.113.9"}
    assert rules.consent_of(definition(box=False), submission())["text"] == ""
    # the text intake stored with the submission is the one shown (a later version may reword the box)
    stored = {"checked": True, "text": "Oui, écrivez-moi", "language": "fr"}
    assert rules.consent_of(definition(), submission(consent=stored, language="fr"))["text"] == "Oui, écrivez-moi"


@pytest.mark.parametrize("stored, ticked", [
    (True, True), (False, False), (None, False), ({"checked": True, "text": "…", "language": "fr"}, True),
    ({"checked": False, "text": "…"}, False), ({"given": True}, True), ({"given": False}, False),
    ({"ticked": True, "text": "…"}, True), ("true", False), ({}, False)])
def test_what_a_stored_consent_says(stored, ticked):
    assert rules.consent_ticked(stored) is ticked


@pytest.mark.parametrize("box, ticked, double_opt_in, sent", [
    (True, True, True, True), (False, None, True, True), (True, False, True, False), (True, True, False, False)])
def test_a_confirmation_only_for_double_opt_in_and_never_after_a_refusal(box, ticked, double_opt_in, sent):
    assert rules.wants_confirmation(definition(box=box, double_opt_in=double_opt_in),
                                    submission(consent=ticked)) is sent


def test_the_task_in_the_submissions_language_due_after_its_day():
    task = {"enabled": True, "rep_user_id": "u1", "title": {"fr": "Rappeler", "en": "Call back"}, "due_in_days": 2}
    assert rules.task_of(definition(task=task), submission(language="fr")) == {
        "rep_user_id": "u1", "title": "Rappeler", "due_on": "2026-12-08"}  # received Dec 6 in Toronto
    assert rules.task_of(definition(task={**task, "due_in_days": 0}), submission())["due_on"] == "2026-12-06"
    assert rules.task_of(definition(task={**task, "title": {"fr": "Rappeler", "en": ""}}),
                         submission())["title"] == "Rappeler"


def test_no_task_unless_enabled_with_a_rep():
    task = {"enabled": False, "rep_user_id": "u1", "title": {"fr": "a", "en": "b"}, "due_in_days": 1}
    assert rules.task_of(definition(task=task), submission()) is None
    assert rules.task_of(definition(task={**task, "enabled": True, "rep_user_id": None}), submission()) is None


def test_the_language_of_a_submission():
    assert rules.language_of({"language": "en"}) == "en"
    assert rules.language_of({"language": None, "meta": {"language": "fr-CA"}}) == "fr"
    assert rules.language_of({"language": "de", "meta": {}}) == "fr"


def test_a_confirmation_token_names_its_submission_for_seven_days():
    token = rules.confirmation_token("s1", key=KEY, now=1_000_000)
    assert rules.read_confirmation(token, key=KEY, now=1_000_000 + 7 * 86_400 - 1) == ("s1", None)
    assert rules.read_confirmation(token, key=KEY, now=1_000_000 + 7 * 86_400 + 1) == ("s1", "expired")


@pytest.mark.parametrize("token", [None, "", "abc", "x" * 2000, "a.b"])
def test_a_token_not_ours_is_invalid(token):
    assert rules.read_confirmation(token, key=KEY) == (None, "invalid")


def test_a_token_signed_with_another_key_or_changed_is_invalid():
    token = rules.confirmation_token("s1", key=b"another", now=1_000_000)
    assert rules.read_confirmation(token, key=KEY, now=1_000_000) == (None, "invalid")
    good = rules.confirmation_token("s1", key=KEY, now=1_000_000)
    payload, signature = good.split(".")
    assert rules.read_confirmation(payload[:-2] + "AA." + signature, key=KEY, now=1_000_000) == (None, "invalid")


def test_the_confirmation_in_french_and_in_english():
    subject, body = rules.confirmation_text(language="fr", title="Infolettre", link="https://x.test/f/confirm/t")
    assert subject == "Confirmez votre inscription"
    assert "« Infolettre »" in body and "https://x.test/f/confirm/t" in body
    subject, body = rules.confirmation_text(language="en", title="Newsletter", link="https://x.test/f/confirm/t")
    assert subject == "Confirm your subscription" and '"Newsletter"' in body and "https://x.test/f/confirm/t" in body
