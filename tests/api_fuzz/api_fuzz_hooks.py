"""Schemathesis hooks of the fuzz runs (fuzz.py loads them through SCHEMATHESIS_HOOKS; ``FUZZ_VALUES`` names the
JSON file of the values below).

JSON Schema says what a request looks like, not which records exist: in a request the generator meant to be valid
(positive mode), the ids it names are replaced by records of the run's organization, and the values that name its
fields (custom fields, criteria, sort keys, layout columns) by ones it has. Negative cases are left as drawn. The
config file's ``[parameters]`` would do the same in the fuzzing phase only; this hook runs in every phase.
"""
import json
import os
import uuid

import schemathesis

_VALUES = None


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
        if isinstance(line, dict) and "discount" in line:
            line["discount"] = "0"  # at most the line's quantity x unit price + shipping: a sum, not a bound


@schemathesis.hook
def map_case(context, case):
    if _positive(case):
        values = _values()
        _replace(case.body, values["body"])
        _replace(case.query, values["query"])
    return case


@schemathesis.hook
def before_call(context, case, kwargs):
    """A client sends a new ``Idempotency-Key`` with each new request (the same one only to retry it): JSON Schema
    cannot say a value is unique, so the key the generator drew is replaced by a fresh one."""
    headers = kwargs.get("headers") or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) and headers[name]:
            headers[name] = uuid.uuid4().hex
