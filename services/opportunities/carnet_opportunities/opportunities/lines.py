"""Product lines (O-5): money and quantities are ``Decimal`` end to end, never float.

A line's total before taxes is ``quantity × unit_price + shipping − discount``, rounded half up to the
cent; the opportunity's grand total is the sum of its lines. Money has at most 2 decimal places, quantities
at most 4; none is negative and a line's total cannot be (a discount larger than the line).
"""
from decimal import Decimal

from carnet_contracts import values
from carnet_contracts.values import CENT


def line_total(line):
    """O-5 for a stored line (``Decimal`` values; shipping and discount may be absent): the rule of the contracts."""
    return values.line_total(quantity=line["quantity"], unit_price=line["unit_price"],
                             shipping=line.get("shipping", Decimal(0)), discount=line.get("discount", Decimal(0)))


def grand_total(lines):
    return sum((line_total(line) for line in lines), Decimal("0.00")).quantize(CENT)


def money(value):
    """The wire form of an amount: ``"43.98"``."""
    return str(Decimal(value).quantize(CENT))


def quantity(value):
    """The wire form of a quantity, without trailing zeros: ``"2"``, ``"1.5"``."""
    text = format(Decimal(value).normalize(), "f")
    return text
