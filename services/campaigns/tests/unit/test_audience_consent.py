"""Consent expiry (E-11, CASL s. 10(10)): implied consent lapses 2 years after a purchase, 6 months after an inquiry
(calendar months, the day clamped to the month's end), at the given date for another basis; express consent does not
lapse; a contact's state from its ledger; a won opportunity's implied consent; the FAQ's validity of the counters
as the read model's computed column states it. Pure functions, no database."""
from datetime import datetime, timedelta, timezone

import pytest

from carnet_campaigns.audience import tables, usecases
from carnet_contracts.audience import ConsentCreate, ParsedConsentCreate

UTC = timezone.utc


def at(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("given, months, expected", [
    (at(2024, 1, 15, 10), 6, at(2024, 7, 15, 10)),
    (at(2024, 8, 31), 6, at(2025, 2, 28)),        # no February 31st: the month's last day
    (at(2023, 8, 31), 6, at(2024, 2, 29)),        # a leap year's
    (at(2024, 2, 29), 24, at(2026, 2, 28)),       # two years after a leap day
    (at(2024, 12, 1), 1, at(2025, 1, 1)),
    (at(2024, 7, 1), 18, at(2026, 1, 1)),
])
def test_add_months_clamps_the_day(given, months, expected):
    assert usecases.add_months(given, months) == expected


def test_expiry_by_kind_and_basis():
    given = at(2025, 3, 10, 12)
    assert usecases.consent_expiry(kind="express", basis=None, given_at=given) is None
    assert usecases.consent_expiry(kind="express", basis="purchase", given_at=given) is None
    assert usecases.consent_expiry(kind="implied", basis="purchase", given_at=given) == at(2027, 3, 10, 12)
    assert usecases.consent_expiry(kind="implied", basis="inquiry", given_at=given) == at(2025, 9, 10, 12)
    assert usecases.consent_expiry(kind="implied", basis="other", given_at=given,
                                   expires_at=at(2025, 12, 31)) == at(2025, 12, 31)


def consent(kind, expires_at=None, withdrawn_at=None):
    return {"kind": kind, "expires_at": expires_at, "withdrawn_at": withdrawn_at}


def test_state_of_a_ledger():
    now = at(2026, 1, 1)
    assert usecases.consent_state([], now) == "none"
    assert usecases.consent_state([consent("implied", at(2025, 6, 1))], now) == "expired"
    assert usecases.consent_state([consent("implied", at(2025, 6, 1)), consent("implied", at(2026, 6, 1))],
                                  now) == "implied"
    assert usecases.consent_state([consent("implied", at(2026, 6, 1)), consent("express")], now) == "express"
    assert usecases.consent_state([consent("express", withdrawn_at=at(2025, 1, 1))], now) == "none"
    assert usecases.consent_state([consent("express", withdrawn_at=at(2025, 1, 1)),
                                   consent("implied", at(2025, 1, 1))], now) == "expired"
    # the moment of expiry is no longer in effect
    assert not usecases.consent_in_effect(consent("implied", now), now)
    assert usecases.consent_in_effect(consent("implied", now + timedelta(seconds=1)), now)


class Ledger:
    """The repository's add_consent and refresh as a fake: what would be written."""

    def __init__(self):
        self.added, self.refreshed = [], []


def test_only_a_won_opportunity_naming_a_contact_is_a_purchase(monkeypatch):
    ledger = Ledger()
    monkeypatch.setattr(usecases.repository, "add_consent", lambda session, values: ledger.added.append(values) or
                        values)
    monkeypatch.setattr(usecases.repository, "refresh_consent_summary",
                        lambda session, **kw: ledger.refreshed.append(kw) or (False, at(2027, 5, 2)))
    base = {"id": "o1", "contact_id": "c1", "probability": 100, "close_date": "2025-05-02"}
    occurred = "2025-06-01T12:00:00+00:00"
    for opportunity in ({**base, "probability": 60}, {**base, "contact_id": None}):
        assert usecases.purchase_consent(None, data={"org_id": "org", "opportunity": opportunity},
                                         occurred_at=occurred) is None
    usecases.purchase_consent(None, data={"org_id": "org", "opportunity": base}, occurred_at=occurred)
    (values,) = ledger.added
    assert (values["kind"], values["basis"], values["source"], values["opportunity_id"]) == (
        "implied", "purchase", "purchase", "o1")
    assert values["given_at"] == at(2025, 5, 2) and values["expires_at"] == at(2027, 5, 2)
    assert ledger.refreshed == [{"org_id": "org", "contact_id": "c1"}]


@pytest.mark.parametrize("body, field", [
    ({"kind": "implied"}, "basis"),
    ({"kind": "implied", "basis": "other"}, "expires_at"),
    ({"kind": "express", "expires_at": "2030-01-01T00:00:00Z"}, "expires_at"),
    ({"kind": "implied", "basis": "purchase", "expires_at": "2030-01-01T00:00:00Z"}, "expires_at"),
    ({"kind": "express", "given_at": "2025-01-01T00:00:00"}, "given_at"),  # no offset: ambiguous (N-6)
    ({"kind": "sometimes"}, "kind"),
])
def test_the_contract_refuses_a_consent_that_cannot_be(body, field):
    errors = ConsentCreate().validate(body)
    assert field in errors, errors


def test_the_service_reads_dates_as_datetimes():
    loaded = ParsedConsentCreate().load({"kind": "implied", "basis": "other", "given_at": "2025-01-01T09:00:00-05:00",
                                         "expires_at": "2025-12-31T23:59:59Z"})
    assert loaded["given_at"] == at(2025, 1, 1, 14) and loaded["source"] == "manual"


def test_the_validity_rule_is_the_faqs():
    """E-4 in the read model's computed column: the five conditions on the address and the language, and C-24."""
    rule = tables.MAILABLE
    for part in ("strpos(email, '@') > 0", "right(email, 1) <> '@'", "strpos(email, '.') > 0",
                 "right(email, 1) <> '.'", "language ~* '^(an|en|f|es|d)'", "status = 'active'"):
        assert part in rule
