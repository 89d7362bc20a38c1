"""Product lines (O-5): money and quantities are ``Decimal`` end to end, never float.

A line's total before taxes is ``quantity × unit_price + shipping − discount``, rounded half up to the
cent; the opportunity's grand total is the sum of its lines. Money has at most 2 decimal places, quantities
at most 4; none is negative and a line's total cannot be (a discount larger than the line).
"""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MONEY_PLACES = 2
QUANTITY_PLACES = 4
MAX_INTEGER_DIGITS = 12  # numeric(16, 2|4) columns
MONEY_FIELDS = ("unit_price", "shipping", "discount")


def parse_decimal(value, *, places):
    """A non-negative ``Decimal`` from a decimal string (or an integer); raises ``ValueError(code)``.

    Floats are refused: ``0.1`` in JSON is already not 0.1 once parsed as a float.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError("decimal_string")
    text = value.strip() if isinstance(value, str) else str(value)
    if not text or len(text) > 40 or any(c not in "0123456789.-+" for c in text):
        raise ValueError("decimal_string")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("decimal_string") from None
    if not number.is_finite():
        raise ValueError("decimal_string")
    if number < 0:
        raise ValueError("decimal_negative")
    if -number.as_tuple().exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValueError("money_places" if places == MONEY_PLACES else "quantity_places")
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValueError("decimal_too_large")
    return number


def line_total(line):
    total = line["quantity"] * line["unit_price"] + line.get("shipping", Decimal(0)) - line.get("discount", Decimal(0))
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def grand_total(lines):
    return sum((line_total(line) for line in lines), Decimal("0.00")).quantize(CENT)


def money(value):
    """The wire form of an amount: ``"43.98"``."""
    return str(Decimal(value).quantize(CENT))


def quantity(value):
    """The wire form of a quantity, without trailing zeros: ``"2"``, ``"1.5"``."""
    text = format(Decimal(value).normalize(), "f")
    return text
