"""Every message a user can see exists in French and English (N-5)."""
import re
import string
import warnings

import pytest
from marshmallow import Schema, ValidationError, fields, validate

from carnet_common import errors
from carnet_common.contracts import StrictBoolean
from carnet_gateway import messages, rpc
from carnet_gateway.api import api

PLACEHOLDER = re.compile(r"{(\w*)}")


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_every_message_has_an_english_and_a_french_text_with_the_same_placeholders(code):
    english, french = messages.MESSAGES[code]
    assert english.strip() and french.strip()
    # A page's label or format may be the same in both languages ("Contacts", "{value} %": keys ``area.what``).
    assert english != french or "." in code
    assert placeholders(english) == placeholders(french)


@pytest.mark.parametrize("code", sorted(messages.MESSAGES))
def test_every_message_renders_without_a_leftover_placeholder_when_given_its_params(code):
    english, french = messages.MESSAGES[code]
    params = {name: f"<{name}>" for name in placeholders(english)}
    for language, expected in (("en", english), ("fr", french)):
        rendered = messages.render(code, language, params)
        assert not PLACEHOLDER.search(rendered), rendered
        assert all(value in rendered for value in params.values())
        assert rendered == expected.format(**params)


def test_a_missing_param_is_left_visible_rather_than_failing():
    assert messages.render("body_too_large", "en") == "The body is larger than {limit} bytes."
    assert messages.render("body_too_large", "fr", {"other": 1}) == "Le corps dépasse {limit} octets."


def test_an_unknown_code_or_english_text_is_returned_as_is():
    assert messages.render("no_such_code", "fr") == "no_such_code"
    assert messages.render("Some library text.", "en") == "Some library text."


def test_any_language_but_french_gets_english():
    assert messages.render("not_found", "de") == messages.MESSAGES["not_found"][0]
    assert messages.render("not_found", None) == messages.MESSAGES["not_found"][0]


@pytest.mark.parametrize("status", sorted(messages.TITLES))
def test_every_status_title_exists_in_both_languages(status):
    english, french = messages.TITLES[status]
    assert messages.title(status, "en") == english and messages.title(status, "fr") == french
    assert english != french


def test_an_unknown_status_gets_the_internal_error_title():
    assert messages.title(418, "fr") == messages.TITLES[500][1]


def test_every_error_class_default_code_has_a_message():
    classes = [cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, errors.CarnetError)]
    classes += [rpc.GatewayTimeout, rpc.BadGateway]
    for cls in classes:
        assert cls.default_code in messages.MESSAGES, cls
    for status in {cls.status for cls in classes}:
        assert status in messages.TITLES


# marshmallow's own English messages ------------------------------------------------------------------


class Everything(Schema):
    text = fields.String(required=True)
    string = fields.String()
    not_null = fields.String(allow_none=False)
    email = fields.Email()
    flag = fields.Boolean()
    strict = StrictBoolean()
    count = fields.Integer()
    ratio = fields.Float()
    url = fields.Url()
    items = fields.List(fields.String())
    mapping = fields.Dict()
    nested = fields.Nested(Schema.from_dict({"a": fields.String()}))
    nested_many = fields.Nested(Schema.from_dict({"a": fields.String()}), many=True)
    huge = fields.Integer()
    short = fields.String(validate=validate.Length(min=3))
    long = fields.String(validate=validate.Length(max=3))
    between = fields.String(validate=validate.Length(min=1, max=3))
    choice = fields.String(validate=validate.OneOf(["fr", "en"]))
    ranged = fields.Integer(validate=validate.Range(min=1, max=10))
    at_least = fields.Integer(validate=validate.Range(min=1))
    at_most = fields.Integer(validate=validate.Range(max=10))
    pattern = fields.String(validate=validate.Regexp(r"^[a-z]+$"))
    predicate = fields.String(validate=lambda value: value == "ok")


BAD = {"string": 5, "not_null": None, "email": "nope", "flag": "maybe", "strict": "yes", "count": "x",
       "ratio": "x", "url": "nope", "items": "x", "mapping": [], "nested": "x", "nested_many": "x",
       "huge": float("inf"), "short": "ab", "long": "abcd", "between": "", "choice": "de", "ranged": 0,
       "at_least": 0, "at_most": 11, "pattern": "A1", "predicate": "no", "unknown": 1}


def real_marshmallow_messages():
    with warnings.catch_warnings(), pytest.raises(ValidationError) as caught:
        warnings.filterwarnings("ignore", "Returning `False` from a validator")  # gives "Invalid value."
        Everything().load(BAD)
    return errors.flatten_messages(caught.value.messages)


def test_each_marshmallow_message_the_gateway_can_show_is_translated():
    found = real_marshmallow_messages()
    assert set(found) == (set(BAD) | {"text", "nested._schema"}) - {"nested"}
    for field, texts in found.items():
        for text in texts:
            french = messages.render(text, "fr")
            assert french != text, f"{field}: no French for {text!r}"
            assert not PLACEHOLDER.search(french), french
            assert messages.render(text, "en") == text


def test_every_translation_pattern_matches_a_real_marshmallow_message():
    """A marshmallow upgrade that rewords a message must fail here, not silently show English."""
    texts = [text for texts in real_marshmallow_messages().values() for text in texts]
    for pattern, _ in messages.MARSHMALLOW_FR:
        assert any(re.match(pattern, text) for text in texts), pattern


def test_translations_carry_the_numbers_of_the_english_message():
    assert messages.render("Shorter than minimum length 3.", "fr") == \
        "Plus court que la longueur minimale de 3 caractères."
    assert messages.render("Must be greater than or equal to 1 and less than or equal to 100000.", "fr") == \
        "Doit être entre 1 et 100000."
    assert messages.render("Must be one of: fr, en.", "fr") == "Doit être l'une des valeurs : fr, en."


def _schemas_of_routes():
    seen, pending = [], [op.body for op in api.operations if op.body] + [op.query for op in api.operations
                                                                          if op.query]
    while pending:
        schema = pending.pop()
        schema = schema() if isinstance(schema, type) else schema
        if any(type(schema) is type(s) for s in seen):
            continue
        seen.append(schema)
        for field in schema.fields.values():
            pending.extend(_nested_schemas(field))
    return seen


def _nested_schemas(field):
    if isinstance(field, fields.Nested):
        return [field.nested] if not callable(field.nested) or isinstance(field.nested, type) else []
    if isinstance(field, fields.List):
        return _nested_schemas(field.inner)
    if isinstance(field, fields.Dict):
        return _nested_schemas(field.value_field) if field.value_field else []
    return []


def _fields_of(schema):
    for field in schema.fields.values():
        yield field
        if isinstance(field, fields.List):
            yield field.inner
        if isinstance(field, fields.Dict):
            yield from (f for f in (field.key_field, field.value_field) if f is not None)


# Messages JSON input cannot trigger: bytes for a string, and NaN/infinity for fields allowing them.
UNREACHABLE = {"invalid_utf8"}


def test_every_field_message_of_every_route_schema_is_translated():
    missing = set()
    for schema in _schemas_of_routes():
        for field in _fields_of(schema):
            for key, template in field.error_messages.items():
                if key in UNREACHABLE:
                    continue
                text = template.format(obj_type="datetime", awareness="naive", input="x", type="str")
                if messages.render(text, "fr") == text:
                    missing.add((type(field).__name__, text))
    assert not missing


def test_every_validator_message_of_every_route_schema_is_translated():
    missing = set()
    for schema in _schemas_of_routes():
        for field in _fields_of(schema):
            for validator in field.validators:
                try:
                    validator(_failing_value(validator))
                except ValidationError as exc:
                    for text in exc.messages:
                        if messages.render(text, "fr") == text:
                            missing.add((type(validator).__name__, text))
                else:
                    pytest.fail(f"no failing value for {validator!r}")
    assert not missing


def _failing_value(validator):
    if isinstance(validator, validate.Length):
        return "x" * (validator.max + 1) if validator.max is not None else "x" * (validator.min - 1)
    if isinstance(validator, validate.Range):
        return validator.min - 1 if validator.min is not None else validator.max + 1
    if isinstance(validator, validate.OneOf):
        return "\x00not-a-choice"
    if isinstance(validator, validate.Regexp):
        return "\x00"
    if isinstance(validator, (validate.Email, validate.URL)):
        return "nope"
    return object()
