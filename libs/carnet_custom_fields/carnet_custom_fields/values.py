"""Custom field values (C-14): the types, the typed validation of the values records carry in ``custom``, and
what a definition may change. Pure: definitions come in as mappings (rows of a service's ``custom_fields``),
so each service that owns custom fields (contacts for contacts and accounts, opportunities for opportunities)
stores its definitions in its own schema and checks values with the same rules.

Values are stored as JSON in the record's ``custom`` column: numbers as JSON integers, decimals as decimal
strings (``"43.98"``, like money in docs/rules/http-api.md), dates as ``YYYY-MM-DD``, multiple choices as a list.
HTML is stored as sent (at most 100 kB): sanitising it where it is shown (campaigns, the web client) is the
reader's job.
"""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from carnet_common.errors import Conflict, InvalidInput
from carnet_contracts.customization import CHOICE_TYPES, MAX_PER_MODULE

# Criteria and sort compare values by kind (contacts' criteria.py).
TEXT_TYPES = ("text", "textarea", "url", "email", "phone", "html", "single_choice")
MAX_LENGTH = {"text": 500, "textarea": 10_000, "url": 2000, "email": 254, "phone": 50,
              "single_choice": 200}
MAX_HTML_BYTES = 100_000
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DECIMAL = re.compile(r"^-?\d{1,18}(\.\d{1,8})?$")
INT_RANGE = 2 ** 53


def _text(definition, value):
    if not isinstance(value, str):
        return None, "custom_text_expected"
    value = value.strip() if definition["type"] != "html" else value
    if definition["type"] == "html":
        return (value, None) if len(value.encode()) <= MAX_HTML_BYTES else (None, "custom_html_too_large")
    if len(value) > MAX_LENGTH[definition["type"]]:
        return None, "custom_too_long"
    if definition["type"] == "email" and value and not EMAIL.match(value):
        return None, "custom_email"
    if definition["type"] == "url" and value and not URL.match(value):
        return None, "custom_url"
    if definition["type"] == "single_choice" and value not in (definition.get("choices") or []):
        return None, "custom_choice"
    return value, None


def _number(definition, value):
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) >= INT_RANGE:
        return None, "custom_integer_expected"
    return value, None


def _decimal(definition, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None, "custom_decimal_expected"
    text = str(value).strip()
    if not DECIMAL.match(text):
        return None, "custom_decimal_expected"
    try:
        return str(Decimal(text)), None
    except InvalidOperation:
        return None, "custom_decimal_expected"


def _date(definition, value):
    if not isinstance(value, str) or not DATE.match(value):
        return None, "custom_date_expected"
    try:
        return date.fromisoformat(value).isoformat(), None
    except ValueError:
        return None, "custom_date_expected"


def _boolean(definition, value):
    return (value, None) if isinstance(value, bool) else (None, "custom_boolean_expected")


def _multi(definition, value):
    choices = definition.get("choices") or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, "custom_choices_expected"
    if any(v not in choices for v in value):
        return None, "custom_choice"
    return list(dict.fromkeys(value)), None


CHECKS = {"number": _number, "decimal": _decimal, "date": _date, "boolean": _boolean, "multi_choice": _multi,
          **{t: _text for t in TEXT_TYPES}}


def clean_values(definitions, values):
    """C-14: ``values`` checked against the visible ``definitions`` (``{key: row}``): 422 on ``custom.<key>``.

    ``None`` (or an empty string or list) clears a value; hidden and unknown keys are refused alike.
    """
    cleaned, errors = {}, {}
    for key, value in (values or {}).items():
        definition = definitions.get(key)
        if definition is None or definition["hidden"]:
            errors[f"custom.{key}"] = ["unknown_custom_field"]
            continue
        if value is None or value == "" or value == []:
            cleaned[key] = None
            continue
        result, error = CHECKS[definition["type"]](definition, value)
        if error:
            errors[f"custom.{key}"] = [error]
        else:
            cleaned[key] = result
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def merge(stored, cleaned):
    """The record's new ``custom``: cleared keys removed."""
    merged = dict(stored or {})
    for key, value in cleaned.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def visible_values(definitions, stored):
    """C-14: values of fields that exist and are not hidden (a deleted field's leftovers never show)."""
    return {key: value for key, value in (stored or {}).items()
            if key in definitions and not definitions[key]["hidden"]}


def check_update(kind, data):
    """C-14: a definition's labels, hidden flag, height and choices change, never its key or type (stored
    values keep their meaning); choices only on choice fields, a height only on multi-line text. The stored type
    refuses a valid body: 409 (issue 10 §5; a creation's body states its type, its contract refuses with 422)."""
    if "choices" in data and kind not in CHOICE_TYPES:
        raise Conflict("custom_field_no_choices", errors={"choices": ["custom_field_no_choices"]})
    if data.get("height") is not None and kind != "textarea":
        raise Conflict("custom_field_height_textarea", errors={"height": ["custom_field_height_textarea"]})


def check_room(existing_count, maximum=MAX_PER_MODULE):
    """C-14: at most ``maximum`` fields per module (70; 65 on accounts with Acomba, A-7): 409 beyond (the module is
    full: a valid body the stored fields refuse, issue 10 §5)."""
    if existing_count >= maximum:
        raise Conflict("custom_fields_limit", errors={"_schema": ["custom_fields_limit"]},
                           params={"max": maximum})


def spreadsheet_value(kind, value):
    """A stored value as an .xlsx cell value of its kind (C-18): numbers and yes/no as they are, decimals as
    ``Decimal`` (never float), dates as ``date``, multiple choices joined by ", ", the rest as text."""
    if value is None or kind in ("number", "boolean"):
        return value if not isinstance(value, (dict, list)) else str(value)
    if kind == "decimal":
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return str(value)
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)
