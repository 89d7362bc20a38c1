"""Values that travel as text (O-5, N-6): the gateway keeps the client's text, the service parses the same
declaration into Decimal, date and aware UTC datetime; paging bounds."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from marshmallow import ValidationError, fields

from carnet_common.contracts import Contract
from carnet_contracts.values import (
    QUANTITY_PLACES,
    AwareDateTimeText,
    DateText,
    DecimalText,
    PageQuery,
    Parsed,
    parse_decimal,
)


class Sample(Contract):
    money = DecimalText()
    quantity = DecimalText(places=QUANTITY_PLACES)
    shipping = DecimalText(absent="0")
    day = DateText(allow_none=True)
    due = AwareDateTimeText()
    stops = fields.List(fields.Nested(type("Stop", (Contract,), {"at": AwareDateTimeText()})))


class ParsedSample(Parsed, Sample):
    pass


def messages(schema, body):
    with pytest.raises(ValidationError) as refused:
        schema.load(body)
    return refused.value.messages


@pytest.mark.parametrize("value, places, expected", [
    ("43.98", 2, Decimal("43.98")), (" 2 ", 4, Decimal("2")), (7, 2, Decimal("7")), ("1.5000", 2, Decimal("1.5000")),
    ("0.0001", 4, Decimal("0.0001")), ("999999999999.99", 2, Decimal("999999999999.99")),
    (7.0, 2, Decimal("7")), (999999999999.0, 4, Decimal("999999999999")),  # JSON Schema's integers (issue 10 §5)
])
def test_decimal_strings_and_integers_are_read_exactly(value, places, expected):
    assert parse_decimal(value, places) == expected


@pytest.mark.parametrize("value, places, code", [
    ("1.234", 2, "money_places"), ("0.00001", 4, "quantity_places"), ("-1", 2, "decimal_negative"),
    (1.5, 2, "decimal_string"), (True, 2, "decimal_string"), ("abc", 2, "decimal_string"), ("1e3", 2, "decimal_string"),
    ("NaN", 2, "decimal_string"), ("", 2, "decimal_string"), (None, 2, "decimal_string"),
    ("1000000000000", 2, "decimal_too_large"), ("1" * 41, 2, "decimal_string"), (1e12, 2, "decimal_string"),
    (-1.0, 2, "decimal_negative"), (float("inf"), 2, "decimal_string"),
])
def test_other_decimals_are_refused_with_a_code_saying_why(value, places, code):
    with pytest.raises(ValidationError) as refused:
        parse_decimal(value, places)
    assert refused.value.messages == [code]


def test_the_gateway_keeps_the_text_the_client_sent():
    body = {"money": "43.98", "quantity": 2, "day": " 2025-06-30 ", "due": "2025-03-10T10:00:00-04:00",
            "stops": [{"at": "2025-03-10T10:00:00z"}]}
    assert Sample().load(body) == {"money": "43.98", "quantity": "2", "day": "2025-06-30",
                                   "due": "2025-03-10T10:00:00-04:00", "stops": [{"at": "2025-03-10T10:00:00z"}]}


def test_the_service_parses_the_same_declaration_nested_contracts_included():
    body = {"money": "43.98", "quantity": 2, "day": "2025-06-30", "due": "2025-03-10T10:00:00-04:00",
            "stops": [{"at": "2025-03-10T10:00:00z"}]}
    assert ParsedSample().load(body) == {
        "money": Decimal("43.98"), "quantity": Decimal("2"), "shipping": Decimal("0"), "day": date(2025, 6, 30),
        "due": datetime(2025, 3, 10, 14, tzinfo=UTC), "stops": [{"at": datetime(2025, 3, 10, 10, tzinfo=UTC)}]}


def test_an_absent_value_stays_absent_on_the_gateway_and_a_null_stays_null_on_the_service():
    assert "shipping" not in Sample().load({})
    assert ParsedSample().load({"day": None}) == {"day": None, "shipping": Decimal("0")}


@pytest.mark.parametrize("value", ["2025-02-30", "30/06/2025", "20250630", "2025-6-30", "2025-06-30T00:00"])
def test_a_date_is_yyyy_mm_dd(value):
    assert messages(Sample(), {"day": value}) == messages(ParsedSample(), {"day": value}) == {"day": ["date_format"]}


@pytest.mark.parametrize("value", ["2025-03-10T10:00:00", "10/03/2025 10:00", "2025-13-01T00:00:00Z", 12, "",
                                   "2025-03-10", "1800-01-01T00:00:00Z", "x" * 41])
def test_a_time_needs_its_offset(value):
    assert messages(Sample(), {"due": value}) == {"due": ["task_datetime_with_offset"]}


def test_the_documented_pattern_matches_the_places():
    assert Sample().fields["money"].metadata["pattern"] == r"^\d+(\.\d{1,2})?$"
    assert Sample().fields["quantity"].metadata == {"example": "2", "type": "string", "pattern": r"^\d+(\.\d{1,4})?$"}


def test_paging_defaults_and_bounds():
    assert PageQuery().load({}) == {"page": 1, "per_page": 50}
    assert set(messages(PageQuery(), {"page": 0, "per_page": 201})) == {"page", "per_page"}
    assert PageQuery().load({"page": "100000", "per_page": "200"}) == {"page": 100_000, "per_page": 200}
