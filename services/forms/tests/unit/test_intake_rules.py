"""The intake's pure rules: a webhook's signature (F-2: HMAC-SHA256 of ``timestamp.body`` with the form's secret,
within 5 minutes), the quarantine's cursor and the statistics' range (N-6: days of the organization's zone)."""
import hashlib
import hmac
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from carnet_common.errors import InvalidInput, NotFound
from carnet_forms.intake import usecases

SECRET = "0f" * 32
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
BODY = '{"email": "a@example.com"}'


def signed(body=BODY, *, at=NOW, secret=SECRET):
    timestamp = str(int(at.timestamp()))
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}", timestamp


def test_a_good_signature_passes_with_or_without_its_prefix():
    signature, timestamp = signed()
    assert usecases.webhook_signature_ok(SECRET, BODY, signature, timestamp, now=NOW)
    assert usecases.webhook_signature_ok(SECRET, BODY, signature.removeprefix("sha256="), timestamp, now=NOW)
    assert usecases.webhook_signature_ok(SECRET, BODY, signature.upper().replace("SHA256=", "sha256="), timestamp,
                                         now=NOW)


@pytest.mark.parametrize("change", ["body", "secret", "timestamp", "signature"])
def test_anything_changed_fails(change):
    signature, timestamp = signed()
    body, secret = BODY, SECRET
    if change == "body":
        body = BODY.replace("a@", "b@")
    elif change == "secret":
        secret = "1f" * 32
    elif change == "timestamp":
        timestamp = str(int(timestamp) + 1)
    else:
        signature = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    assert not usecases.webhook_signature_ok(secret, body, signature, timestamp, now=NOW)


@pytest.mark.parametrize("seconds,ok", [(-301, False), (-300, True), (0, True), (300, True), (301, False)])
def test_the_timestamp_must_be_within_five_minutes(seconds, ok):
    at = datetime.fromtimestamp(NOW.timestamp() + seconds, timezone.utc)
    signature, timestamp = signed(at=at)
    assert usecases.webhook_signature_ok(SECRET, BODY, signature, timestamp, now=NOW) is ok


@pytest.mark.parametrize("timestamp", ["", "soon", "1.5e9", None])
def test_a_timestamp_that_is_no_number_fails(timestamp):
    signature, _ = signed()
    assert not usecases.webhook_signature_ok(SECRET, BODY, signature, timestamp, now=NOW)


def test_no_secret_or_no_signature_fails():
    signature, timestamp = signed()
    assert not usecases.webhook_signature_ok("", BODY, signature, timestamp, now=NOW)
    assert not usecases.webhook_signature_ok(SECRET, BODY, "", timestamp, now=NOW)
    assert not usecases.webhook_signature_ok(SECRET, BODY, None, timestamp, now=NOW)


def test_a_replay_key_is_per_form_and_signature():
    first = usecases.webhook_replay_key("f1", "sha256=abc")
    assert first == usecases.webhook_replay_key("f1", "SHA256=ABC ")
    assert first != usecases.webhook_replay_key("f2", "sha256=abc")
    assert first != usecases.webhook_replay_key("f1", "sha256=abd")


def test_a_cursor_names_the_last_row():
    row = {"received_at": NOW, "id": "0c6f2a61-1d2b-4d3e-9f6a-3b2f7d9e8a10"}
    assert usecases.decode_cursor(usecases.encode_cursor(row)) == (NOW, row["id"])


@pytest.mark.parametrize("cursor", ["x", "!!!", "bm90IGEgY3Vyc29y", usecases.encode_cursor(
    {"received_at": datetime(2026, 1, 1), "id": "0c6f2a61-1d2b-4d3e-9f6a-3b2f7d9e8a10"}),
    usecases.encode_cursor({"received_at": NOW, "id": "not-a-uuid"})])
def test_a_cursor_not_ours_is_invalid_input_naming_it(cursor):
    with pytest.raises(InvalidInput) as raised:
        usecases.decode_cursor(cursor)
    assert raised.value.errors == {"cursor": ["invalid_cursor"]}


@pytest.mark.parametrize("value", ["x", "", None, 12, "0c6f2a61-1d2b-4d3e-9f6a"])
def test_an_id_that_is_no_uuid_is_not_found(value):
    with pytest.raises(NotFound):
        usecases._uuid(value)


def test_the_statistics_range_defaults_to_the_last_thirty_days_of_the_zone():
    toronto = ZoneInfo("America/Toronto")
    late = datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)      # 22:00 on the 7th in Toronto
    assert usecases.stats_range({}, zone=toronto, now=late) == (date(2026, 11, 8), date(2026, 12, 7))
    assert usecases.stats_range({"to": "2026-01-31"}, zone=toronto, now=late) == (date(2026, 1, 2),
                                                                                  date(2026, 1, 31))
    assert usecases.stats_range({"from": "2026-12-01", "to": "2026-12-01"}, zone=toronto, now=late) == \
        (date(2026, 12, 1), date(2026, 12, 1))


def test_the_statistics_range_is_bounded():
    zone = ZoneInfo("UTC")
    with pytest.raises(InvalidInput) as raised:
        usecases.stats_range({"from": "2026-12-02", "to": "2026-12-01"}, zone=zone, now=NOW)
    assert raised.value.errors == {"from": ["after_to"]}
    with pytest.raises(InvalidInput) as raised:
        usecases.stats_range({"from": "2025-01-01", "to": "2026-01-02"}, zone=zone, now=NOW)
    assert raised.value.errors == {"from": ["range_too_long"]}
    assert usecases.stats_range({"from": "2025-01-02", "to": "2026-01-02"}, zone=zone, now=NOW)[0] == \
        date(2025, 1, 2)
