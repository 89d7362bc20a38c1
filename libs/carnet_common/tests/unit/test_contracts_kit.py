"""The marshmallow building blocks every boundary uses."""
import pytest
from marshmallow import ValidationError

from carnet_common.contracts import Contract, StrictBoolean, load_or_raise, text


class Sample(Contract):
    name = text(required=True, max_length=5)
    flag = StrictBoolean()


def test_contract_refuses_unknown_fields():
    with pytest.raises(ValidationError) as caught:
        Sample().load({"name": "a", "extra": 1})
    assert caught.value.messages == {"extra": ["Unknown field."]}


def test_text_is_trimmed_and_its_maximum_counts_the_text_as_sent():
    """As the OpenAPI document's ``maxLength`` does (issue 10 §5); the minimum holds once trimmed."""
    assert Sample().load({"name": " abc "})["name"] == "abc"
    for sent in ("abcdef", "  abc  ", "abcde\n"):
        with pytest.raises(ValidationError) as caught:
            Sample().load({"name": sent})
        assert caught.value.messages == {"name": ["Length must be between 1 and 5."]}, sent
    for blank in ("   ", "\x1d", "\u3000"):
        with pytest.raises(ValidationError):
            Sample().load({"name": blank})


def test_strict_boolean_accepts_json_true_and_false():
    assert Sample().load({"name": "a", "flag": True})["flag"] is True
    assert Sample().load({"name": "a", "flag": False})["flag"] is False


@pytest.mark.parametrize("value", ["yes", "true", "1", "on", None])
def test_strict_boolean_refuses_strings_and_null(value):
    with pytest.raises(ValidationError) as caught:
        Sample().load({"name": "a", "flag": value})
    assert "flag" in caught.value.messages


@pytest.mark.parametrize("value", [1, 0, 1.0])
def test_strict_boolean_refuses_numbers(value):
    with pytest.raises(ValidationError):
        Sample().load({"name": "a", "flag": value})


@pytest.mark.parametrize("body", [[], "text", None, 3])
def test_load_or_raise_refuses_a_body_that_is_not_an_object(body):
    with pytest.raises(ValidationError) as caught:
        load_or_raise(Sample(), body)
    assert caught.value.messages == {"_schema": ["Invalid input type."]}
