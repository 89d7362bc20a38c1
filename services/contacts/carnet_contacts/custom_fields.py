"""Custom fields (C-14): their types, the typed validation of the values records carry in ``custom``,
and their administration.

Value checks are pure: definitions come in as dicts (rows of ``custom_fields``). Values are stored as JSON
in the record's ``custom`` column: numbers as JSON integers, decimals as decimal strings (``"43.98"``, like money in
SPEC §10), dates as ``YYYY-MM-DD``, multiple choices as a list. HTML is stored as sent (at most 100 kB):
sanitising it where it is shown (campaigns, the web client) is the reader's job.
"""
import re
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_contacts import repository

TYPES = ("text", "textarea", "number", "decimal", "date", "boolean", "single_choice", "multi_choice", "url",
         "email", "phone", "html")
# Criteria and sort compare values by kind (criteria.py).
TEXT_TYPES = ("text", "textarea", "url", "email", "phone", "html", "single_choice")
MODULES = ("contacts", "accounts", "opportunities")
RECORD_MODULES = {"contact": "contacts", "account": "accounts"}
KEY = r"^[a-z][a-z0-9_]{0,62}$"
MAX_PER_MODULE = 70
# C-14, A-7: with Acomba the accounts module keeps 5 fields for accounting; enforced by the accounting issue.
MAX_ACCOUNTS_WITH_ACOMBA = 65
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
    """``values`` checked against the visible ``definitions`` (``{key: row}``): 422 on ``custom.<key>``.

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
    """Values of fields that exist and are not hidden (a deleted field's leftovers never show)."""
    return {key: value for key, value in (stored or {}).items()
            if key in definitions and not definitions[key]["hidden"]}


# Administration (S-9: administrators only) ------------------------------------------------------------------

def field_read(row):
    return {"key": row["key"], "module": row["module"], "type": row["type"], "label_fr": row["label_fr"],
            "label_en": row["label_en"], "hidden": row["hidden"], "height": row["height"],
            "choices": row["choices"], "position": row["position"],
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


def _module(module):
    if module not in MODULES:
        raise NotFound()
    return module


def _admin(actor):
    if not actor["is_admin"]:
        raise Forbidden("admin_only")


def list_fields(session, *, actor, module):
    """Everyone may read the definitions (to show labels); hidden ones only administrators."""
    rows = repository.custom_field_rows(session, org_id=actor["org_id"], module=_module(module))
    return [field_read(r) for r in rows if actor["is_admin"] or not r["hidden"]]


def _get(session, actor, module, key):
    for row in repository.custom_field_rows(session, org_id=actor["org_id"], module=_module(module),
                                            for_update=True):
        if row["key"] == key:
            return row
    raise NotFound()


def create_field(session, *, actor, module, data):
    _admin(actor)
    module = _module(module)
    repository.lock_custom_fields(session, org_id=actor["org_id"], module=module)
    existing = repository.custom_field_rows(session, org_id=actor["org_id"], module=module)
    if len(existing) >= MAX_PER_MODULE:
        raise InvalidInput("custom_fields_limit", errors={"_schema": ["custom_fields_limit"]},
                           params={"max": MAX_PER_MODULE})
    values = {"id": str(uuid.uuid4()), "org_id": actor["org_id"], "module": module, "key": data["key"],
              "type": data["type"], "label_fr": data["label_fr"], "label_en": data["label_en"],
              "hidden": data.get("hidden", False), "height": data.get("height"), "choices": data.get("choices"),
              "position": max((r["position"] for r in existing), default=0) + 1}
    if not repository.insert_custom_field(session, values):
        raise Conflict("custom_field_key_taken", errors={"key": ["custom_field_key_taken"]})
    return field_read(_get(session, actor, module, data["key"]))


def update_field(session, *, actor, module, key, data):
    """Labels, hidden flag, height and choices change; the key and type never do (stored values keep
    their meaning). Removed choices stay on the records that hold them until those are edited."""
    _admin(actor)
    row = _get(session, actor, module, key)
    if "choices" in data and row["type"] not in ("single_choice", "multi_choice"):
        raise InvalidInput(errors={"choices": ["custom_field_no_choices"]})
    if data.get("height") is not None and row["type"] != "textarea":
        raise InvalidInput(errors={"height": ["custom_field_height_textarea"]})
    if data:
        repository.update_custom_field(session, row["id"], {**data, "updated_at": repository.now()})
    return field_read(_get(session, actor, module, key))


def delete_field(session, *, actor, module, key):
    """The definition and its values on every record go (documented choice: nothing invisible is kept)."""
    _admin(actor)
    _get(session, actor, module, key)
    repository.delete_custom_field(session, org_id=actor["org_id"], module=module, key=key)
