"""Carnet errors cross the RPC boundary as themselves (docs/conventions.md: Errors)."""
import json

import pytest
from marshmallow import Schema, ValidationError, fields
from nameko.exceptions import RemoteError, deserialize, serialize

from carnet_common import errors
from carnet_common.errors import CarnetError, flatten_messages

ERROR_CLASSES = [errors.InvalidInput, errors.Unauthorized, errors.Forbidden, errors.NotFound,
                 errors.Conflict, errors.TooManyRequests, errors.ServiceUnavailable]


def over_the_wire(exc):
    """What the caller's proxy rebuilds from a worker's exception: serialise, JSON, deserialise."""
    return deserialize(json.loads(json.dumps(serialize(exc))))


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_error_arrives_as_the_same_class_with_code_errors_and_params(cls):
    sent = cls("some_code", errors={"admin.username": ["username_taken"]}, params={"service": "identity"})

    received = over_the_wire(sent)

    assert type(received) is cls
    assert received.code == "some_code"
    assert received.errors == {"admin.username": ["username_taken"]}
    assert received.params == {"service": "identity"}
    assert received.status == cls.status and received.slug == cls.slug


@pytest.mark.parametrize("cls", ERROR_CLASSES, ids=lambda cls: cls.__name__)
def test_error_without_arguments_arrives_with_its_default_code_and_empty_maps(cls):
    received = over_the_wire(cls())

    assert type(received) is cls
    assert received.code == cls.default_code
    assert received.errors == {} and received.params == {}


def test_numeric_params_arrive_as_text_so_messages_must_not_compute_with_them():
    # nameko makes exception arguments "safe for serialisation" by stringifying non-string leaves.
    received = over_the_wire(errors.Conflict("plan_seats_exhausted", params={"seats": 3}))

    assert received.params == {"seats": "3"}


def test_an_unregistered_exception_arrives_as_remote_error():
    received = over_the_wire(ValueError("boom"))

    assert isinstance(received, RemoteError)
    assert not isinstance(received, CarnetError)


def test_every_carnet_error_is_expected_by_rpc_methods():
    for cls in ERROR_CLASSES:
        assert issubclass(cls, errors.EXPECTED)
    assert not issubclass(ValueError, errors.EXPECTED)


def test_str_of_an_error_names_its_code_and_field_errors():
    assert str(errors.NotFound()) == "not_found"
    assert str(errors.InvalidInput(errors={"email": ["bad"]})) == "invalid_input {'email': ['bad']}"


class Line(Schema):
    name = fields.String(required=True)


class Order(Schema):
    lines = fields.List(fields.Nested(Line))
    by_key = fields.Dict(keys=fields.String(), values=fields.Nested(Line))
    owner = fields.Nested(Line, required=True)


def test_flatten_messages_joins_nested_marshmallow_paths_with_dots():
    with pytest.raises(ValidationError) as caught:
        Order().load({"lines": [{"name": "a"}, {}], "by_key": {"x": {}}, "owner": {"name": 3}})

    flat = flatten_messages(caught.value.messages)

    assert flat == {
        "lines.1.name": ["Missing data for required field."],
        "by_key.x.value.name": ["Missing data for required field."],
        "owner.name": ["Not a valid string."],
    }


def test_flatten_messages_puts_schema_level_errors_under_schema():
    with pytest.raises(ValidationError) as caught:
        Order().load(["not", "an", "object"])

    assert flatten_messages(caught.value.messages) == {"_schema": ["Invalid input type."]}


def test_flatten_messages_wraps_a_single_message_in_a_list_of_text():
    assert flatten_messages({"a": "bad", "b": {"c": ["x", 3]}}) == {"a": ["bad"], "b.c": ["x", "3"]}
