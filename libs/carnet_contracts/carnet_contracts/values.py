"""Values that travel as JSON text (money and quantities as decimal strings, dates, times with their offset),
checked the same way on both sides of the boundary, and the paging every list query takes.

The gateway forwards what it loaded, so the fields here keep the client's text: a ``Decimal`` or a ``date``
would not survive JSON, and a float would not be exact (O-5). The service loads the same contract through
``Parsed``, which then turns each text value into what it stands for: one declaration, two readings.
"""
import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from marshmallow import ValidationError, fields, post_load, validate

from carnet_common.contracts import Contract

MONEY_PLACES, QUANTITY_PLACES = 2, 4
# What a date and a date-time are, for the server and in the OpenAPI document alike (issue 10 §5): a calendar date of
# the years 1900-9999; RFC 3339 with its offset, no leap second (a time without an offset is ambiguous, N-6).
_YEAR = r"(?:19\d\d|[2-9]\d\d\d)"
DATE_PATTERN = rf"^{_YEAR}-\d\d-\d\d$"
DATE_TIME_PATTERN = rf"^{_YEAR}-\d\d-\d\d[Tt][0-2]\d:[0-5]\d:[0-5]\d(?:\.\d{{1,6}})?(?:[Zz]|[+-][0-2]\d:[0-5]\d)$"
MAX_INTEGER_DIGITS = 12  # the opportunities' numeric(16, 2|4) columns
CENT = Decimal("0.01")


class TextValue:
    """A field whose JSON text stands for a value: ``value(text)`` is that value. ``absent`` is the text a
    receiver takes when the field was not sent (a line without shipping has none: ``"0"``); the gateway
    leaves it absent, so the document shows no default the client must send."""
    absent = None

    def value(self, text):
        raise NotImplementedError


def parse_decimal(value, places):
    """A non-negative ``Decimal`` of at most ``places`` decimals from a decimal string or an integer. Floats are
    refused: ``0.1`` in JSON is already not 0.1 once parsed as a float; ``7.0`` is the integer 7 (JSON Schema's
    ``integer``, as the OpenAPI document states it: issue 10 §5), exact below 2^53."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 10 ** MAX_INTEGER_DIGITS:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError("decimal_string")
    raw = value.strip() if isinstance(value, str) else str(value)
    if not raw or len(raw) > 40 or any(c not in "0123456789.-+" for c in raw):
        raise ValidationError("decimal_string")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValidationError("decimal_string") from None
    if not number.is_finite():
        raise ValidationError("decimal_string")
    if number < 0:
        raise ValidationError("decimal_negative")
    if -number.as_tuple().exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError("money_places" if places == MONEY_PLACES else "quantity_places")
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValidationError("decimal_too_large")
    return number


class DecimalText(TextValue, fields.Field):
    """A non-negative decimal string (``"43.98"``) with at most ``places`` decimals; its value a ``Decimal``."""

    def __init__(self, *, places=MONEY_PLACES, absent=None, **kwargs):
        self.places, self.absent = places, absent
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", "43.98" if places == MONEY_PLACES else "2")
        metadata.update(type="string", pattern=r"^\d+(\.\d{1,%d})?$" % places)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parse_decimal(value, self.places)
        return value if isinstance(value, str) else str(value)

    def value(self, text):
        return parse_decimal(text, self.places)


class DateText(TextValue, fields.String):
    """``YYYY-MM-DD`` (``DATE_PATTERN``), checked and kept as text; its value a ``date``."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if not re.fullmatch(DATE_PATTERN, value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise ValidationError("date_format") from None
        return value

    def value(self, text):
        return date.fromisoformat(text)


def _aware(text):
    """The aware datetime ``text`` names, or None (no offset, malformed, or a year no calendar needs)."""
    if len(text) > 40 or not re.fullmatch(DATE_TIME_PATTERN, text):
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None or parsed.utcoffset() is None or not 1900 <= parsed.year <= 9999:
        return None
    return parsed


class AwareDateTimeText(TextValue, fields.String):
    """RFC 3339 (``DATE_TIME_PATTERN``): ISO 8601 with an explicit offset (``2025-03-10T10:00:00-04:00``, ``…Z``),
    kept as text; its value the
    aware UTC datetime. A time without an offset is ambiguous (N-6): refused rather than guessed."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = value.strip() if isinstance(value, str) else ""
        if _aware(text) is None:
            raise ValidationError("task_datetime_with_offset")
        return text

    def value(self, text):
        return _aware(text).astimezone(UTC)


def line_total(*, quantity, unit_price, shipping, discount):
    """O-5: ``quantity × unit_price + shipping − discount``, rounded half up to the cent as it is stored."""
    return (quantity * unit_price + shipping - discount).quantize(CENT, rounding=ROUND_HALF_UP)


def parsed_values(schema, data):
    """``data`` as ``schema`` loaded it, with each text value turned into its value, in nested contracts too,
    and each absent ``TextValue`` with an ``absent`` text given that value."""
    result = dict(data)
    for name, field in schema.load_fields.items():
        key = field.attribute or name
        if key in result:
            result[key] = _parsed(field, result[key])
        elif isinstance(field, TextValue) and field.absent is not None:
            result[key] = field.value(field.absent)
    return result


def _parsed(field, loaded):
    if loaded is None:
        return None
    if isinstance(field, TextValue):
        return field.value(loaded)
    if isinstance(field, fields.List):
        return [_parsed(field.inner, item) for item in loaded]
    if isinstance(field, fields.Nested) and not isinstance(field.schema, Parsed):
        if field.many:
            return [parsed_values(field.schema, item) for item in loaded]
        return parsed_values(field.schema, loaded)
    return loaded


class Parsed(Contract):
    """Mixed in first (``class ParsedX(Parsed, X)``): contract ``X`` as the receiving service loads it, with the
    same fields and rules, then its text values parsed (``parsed_values``). ``parse`` is the step a derived
    form may extend (renaming a key the service reads under another name)."""

    @post_load
    def _parse_text_values(self, data, **kwargs):
        return self.parse(data)

    def parse(self, data):
        return parsed_values(self, data)


# Paging: the same bounds on every list (docs/rules/http-api.md) ------------------------------------------------

def page_field():
    return fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


def per_page_field(metadata=None):
    return fields.Integer(load_default=50, validate=validate.Range(min=1, max=200), metadata=metadata)


class PageQuery(Contract):
    page = page_field()
    per_page = per_page_field()
