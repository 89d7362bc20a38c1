"""Product lines (O-5): Decimal math and wire forms (decimal strings are parsed by carnet_contracts.values)."""
from decimal import Decimal

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


def test_wire_forms():
    assert lines.money(Decimal("43.9")) == "43.90"
    assert lines.quantity(Decimal("10.0000")) == "10"
    assert lines.quantity(Decimal("1.5000")) == "1.5"
