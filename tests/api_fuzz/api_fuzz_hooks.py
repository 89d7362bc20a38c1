"""Schemathesis hooks of the fuzz runs (fuzz.py loads them through SCHEMATHESIS_HOOKS; ``FUZZ_VALUES`` names the
JSON file of the values below).

JSON Schema says what a request looks like, not which records exist nor which values were used before. So, in a
request meant to be valid, and in every phase:

- the ids a body or a query names are replaced by records of the run's organization, the values that name its
  fields (custom fields, criteria fields, sort keys, layout columns) by ones it has, and ``current_password`` by
  the caller's (``fuzz.fuzz_values``); where the record depends on another value (``OPERATIONS``: a merge's two
  records of its ``record_type``, an attachment's record, the custom fields enrichment fills, an import's
  columns, fields and key), by those, and an import's file by a real .xlsx (the server reads no other file: 415):
  ``map_case`` for the generated cases (coverage, fuzzing, stateful: positive mode only; a negative case is sent
  as drawn), and ``before_add_examples`` for the examples phase, which the
  config file's ``[parameters]`` and ``map_*`` hooks do not reach (schemathesis 4 calls only that hook there);
- the ``Idempotency-Key`` a request carries is a fresh one (``before_call``, every phase): a client sends one key
  per request, and the same key with another request is a documented 422 (``idempotency_key_reused``).

And one kind of request is not sent (``filter_case``): one that would change or delete a record those values
name (a write whose path, or a bulk action whose ``ids``, names one). Schemathesis learns ids from responses and
sends them back, so the run's own requests would otherwise delete the account or hide the custom field that the
later valid requests name. Such writes are still sent with every other id: those of records the run created, and
unknown ones.

Nothing else is changed: what the document allows and the server refuses is a failure of the run.
"""
import base64
import json
import os
import re
import uuid
from decimal import Decimal, InvalidOperation

import schemathesis
import schemathesis.transport.asgi  # noqa: F401  imported once here: with several workers, their first imports
import schemathesis.transport.wsgi  # noqa: F401  of it raced (ImportError of a partly initialised module)

_VALUES = None
API = "/api/v1"
# carnet_gateway.idempotency.VALID_KEY: a key the generator drew valid is replaced by a valid one.
_VALID_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")


def _values():
    global _VALUES
    if _VALUES is None:
        with open(os.environ["FUZZ_VALUES"], encoding="utf-8") as file:
            _VALUES = json.load(file)
    return _VALUES


def _positive(case):
    meta = getattr(case, "meta", None)
    mode = getattr(getattr(meta, "generation", None), "mode", None)
    return mode is not None and mode.is_positive


def _replace(container, values):
    """``container``'s keys that ``values`` names, set to a real value (each item of a list of ids); in place."""
    if not isinstance(container, dict):
        return
    for key, value in values.items():
        if key not in container or container[key] is None:
            continue
        if isinstance(container[key], list) and not isinstance(value, list):
            container[key] = [value for _ in container[key]][:1] or container[key]
        else:
            container[key] = value
    for line in container.get("lines") or []:
        # Rules over sums and products the document states in words (``lines``): a discount of at most the line's
        # quantity x unit price + shipping, a line's total and the lines' sum below 10^14 (each amount is below
        # 10^12; at most 50 such lines fit, and generated lists are shorter).
        if isinstance(line, dict) and "discount" in line:
            line["discount"] = "0"
        if isinstance(line, dict) and _amount(line.get("quantity")) * _amount(line.get("unit_price")) >= 10 ** 12:
            line["quantity"] = "1"


def _amount(value):
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _merge_pair(target, values, *, choices):
    """Merges (C-20): two distinct records of ``record_type``, the pair seeded for it; no choice (each choice
    names a field of the record, a rule in words)."""
    pair = values["merge_pairs"].get(target.get("record_type")) if isinstance(target, dict) else None
    if pair:
        target["winner_id"], target["loser_id"] = pair
        if choices and "choices" in target:
            target["choices"] = {}


def _attached_record(body, values):
    record = values["records"].get(body.get("record_type")) if isinstance(body, dict) else None
    if record and "record_id" in body:
        body["record_id"] = record


def _enriched(body, values):
    chosen = body.get("fields") if isinstance(body, dict) else None
    if isinstance(chosen, dict) and isinstance(chosen.get("custom"), dict) and chosen["custom"]:
        chosen["custom"] = dict(values["enriched"])


def _workbook(body, values):
    if isinstance(body, dict) and "file" in body:
        body["file"] = base64.b64decode(values["xlsx"])


def _import_options(body, values):
    """An import's mapping names columns of its sheet and fields of its record type (``fuzz.xlsx_bytes``, and
    fields both contacts and accounts have), and an update's key is a mapped field."""
    if isinstance(body, dict) and isinstance(body.get("mapping"), dict):
        body["mapping"] = dict(values["import_mapping"])
        if body.get("mode") == "update":
            body["key"] = values["import_key"]


def _consent(body, values):
    """A consent's rules between its values (E-11, ``ConsentCreate``'s description): an implied consent has a basis,
    only an implied one of basis ``other`` an expiry (then required); it was given in the past."""
    if not isinstance(body, dict):
        return
    if body.get("kind") == "implied":
        if body.get("basis") not in ("purchase", "inquiry", "other"):
            body["basis"] = "purchase"
        if body["basis"] == "other":
            body["expires_at"] = "2099-01-01T00:00:00Z"
        else:
            body.pop("expires_at", None)
    else:
        body.pop("expires_at", None)
    if "given_at" in body:
        body["given_at"] = "2020-01-01T00:00:00Z"


def _selection(body, values):
    """The caller's active lists stay the seeded ones: an empty selection, valid, would hide every record the later
    valid requests name (their lists, accounts and contacts answer as unknown: L-2)."""
    if isinstance(body, dict) and "list_ids" in body:
        body["list_ids"] = list(values["selected_lists"])


def _form_draft(body, values):
    """A form's draft (issue 14): its target list, its new contacts' rep and its task's user the organization's, its
    custom fields the organization's text field (typed text, no options), each field at most once (the document says
    it in words: 422 ``duplicate_field``)."""
    draft = body.get("draft") if isinstance(body, dict) else None
    if not isinstance(draft, dict):
        return
    if draft.get("list_id") is not None:
        draft["list_id"] = values["body"]["list_id"]
    if draft.get("rep_user_id") is not None:
        draft["rep_user_id"] = values["body"]["rep1_id"]
    task = draft.get("task")
    if isinstance(task, dict) and task.get("rep_user_id") is not None:
        task["rep_user_id"] = values["body"]["rep1_id"]
    if not isinstance(draft.get("fields"), list):
        return
    custom_key = next(iter(values["body"]["custom"]))
    kept, seen = [], set()
    for field in draft["fields"]:
        if isinstance(field, dict) and str(field.get("name", "")).startswith("custom."):
            field["name"] = f"custom.{custom_key}"
            field.pop("options", None)
            if "type" in field:
                field["type"] = "text"
        name = field.get("name") if isinstance(field, dict) else None
        if name not in seen:
            seen.add(name)
            kept.append(field)
    draft["fields"] = kept


def _no_cursor(query):
    """A page's cursor is one an answer gave (``next_cursor``), which JSON Schema cannot say: a drawn one is left
    out."""
    if isinstance(query, dict):
        query.pop("cursor", None)


def _stats_days(query):
    """A form's statistics cover at most 366 days (the document says it in words): the drawn ``from`` replaced by
    ``to`` (one day), or left out (the default: the 30 days to ``to``)."""
    if isinstance(query, dict) and "from" in query:
        if query.get("to"):
            query["from"] = query["to"]
        else:
            query.pop("from")


# Values that depend on another value of the request, by operation (method, path):
OPERATIONS = {
    ("GET", "/forms/{form_id}/stats"): lambda case, values: _stats_days(case.query),
    ("POST", "/forms"): lambda case, values: _form_draft(case.body, values),
    ("PATCH", "/forms/{form_id}"): lambda case, values: _form_draft(case.body, values),
    ("GET", "/forms/{form_id}/submissions"): lambda case, values: _no_cursor(case.query),
    ("GET", "/merges/preview"): lambda case, values: _merge_pair(case.query, values, choices=False),
    ("POST", "/merges"): lambda case, values: _merge_pair(case.body, values, choices=True),
    ("POST", "/documents/{document_id}/attachments"): lambda case, values: _attached_record(case.body, values),
    ("POST", "/contacts/{contact_id}/enrichment/apply"): lambda case, values: _enriched(case.body, values),
    ("POST", "/imports"): lambda case, values: _workbook(case.body, values),
    ("POST", "/imports/{import_id}/dry-run"): lambda case, values: _import_options(case.body, values),
    ("POST", "/imports/{import_id}/run"): lambda case, values: _import_options(case.body, values),
    ("POST", "/contacts/{contact_id}/consents"): lambda case, values: _consent(case.body, values),
    ("PUT", "/me/selected-lists"): lambda case, values: _selection(case.body, values),
}


def _with_real_records(case):
    values = _values()
    _replace(case.body, values["body"])
    _replace(case.query, values["query"])
    special = OPERATIONS.get((case.method.upper(), case.path.removeprefix(API)))
    if special is not None:
        special(case, values)


@schemathesis.hook
def filter_case(context, case):
    if case.method.upper() in ("GET", "HEAD", "OPTIONS"):
        return True
    protected = set(_values()["protected"])
    named = [value for value in (case.path_parameters or {}).values() if isinstance(value, str)]
    if isinstance(case.body, dict) and isinstance(case.body.get("ids"), list):
        named += [value for value in case.body["ids"] if isinstance(value, str)]
    return not protected.intersection(named)


@schemathesis.hook
def map_case(context, case):
    if _positive(case):
        _with_real_records(case)
    return case


@schemathesis.hook
def before_add_examples(context, examples):
    """The examples phase: the document's examples and the values filled around them are valid requests."""
    for case in examples:
        _with_real_records(case)


@schemathesis.hook
def before_call(context, case, kwargs):
    """A client sends a new ``Idempotency-Key`` with each new request (the same one only to retry it): JSON Schema
    cannot say a value is unique, so a valid key the generator drew is replaced by a fresh one (an invalid one is
    sent as drawn: made valid, a negative case would turn positive, its body never given real values).
    ``case.headers`` is what is sent; ``kwargs`` holds only transport options."""
    headers = case.headers or {}
    for name in list(headers):
        key = headers[name]
        if name.lower() == "idempotency-key" and isinstance(key, str) and len(key) <= 255 and _VALID_KEY.fullmatch(key):
            headers[name] = uuid.uuid4().hex
