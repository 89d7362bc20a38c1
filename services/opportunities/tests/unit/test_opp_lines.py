"""Product lines (O-5): Decimal math, decimal strings, and what is refused."""
from decimal import Decimal

import pytest

from carnet_opportunities.opportunities import lines


def _line(quantity, unit_price, shipping="0", discount="0"):
    return {"quantity": Decimal(quantity), "unit_price": Decimal(unit_price), "shipping": Decimal(shipping),
            "discount": Decimal(discount)}


def test_line_total_is_quantity_times_price_plus_shipping_minus_discount():
    assert lines.line_total(_line("3", "14.66", "2.00", "1.00")) == Decimal("44.98")
    assert lines.line_total(_line("0.5", "0.05")) == Decimal("0.03")  # half up to the cent
    assert lines.line_total(_line("1.3333", "3.00")) == Decimal("4.00")


def test_grand_total_is_exact_where_floats_are_not():
    assert lines.grand_total([_line("1", "0.10"), _line("1", "0.20")]) == Decimal("0.30")
    assert lines.grand_total([]) == Decimal("0.00")


@pytest.mark.parametrize("value, places, expected", [
    ("43.98", 2, Decimal("43.98")), ("7", 2, Decimal("7")), (7, 2, Decimal("7")), ("1.2500", 2, Decimal("1.25")),
    ("2.5", 4, Decimal("2.5")), ("0.0001", 4, Decimal("0.0001")),
])
def test_decimal_strings_are_parsed(value, places, expected):
    assert lines.parse_decimal(value, places=places) == expected


@pytest.mark.parametrize("value, places, code", [
    ("1.234", 2, "money_places"), ("0.00001", 4, "quantity_places"), ("-1", 2, "decimal_negative"),
    (1.5, 2, "decimal_string"), (True, 2, "decimal_string"), ("abc", 2, "decimal_string"), ("1e3", 2, "decimal_string"),
    ("NaN", 2, "decimal_string"), ("", 2, "decimal_string"), (None, 2, "decimal_string"),
    ("1" * 13, 2, "decimal_too_large"),
])
def test_bad_decimals_are_refused_with_a_code(value, places, code):
    with pytest.raises(ValueError) as info:
        lines.parse_decimal(value, places=places)
    assert str(info.value) == code


def test_wire_forms():
    assert lines.money(Decimal("43.9")) == "43.90"
    assert lines.quantity(Decimal("10.0000")) == "10"
    assert lines.quantity(Decimal("1.5000")) == "1.5"
