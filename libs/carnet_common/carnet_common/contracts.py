"""marshmallow building blocks for every boundary: unknown fields are refused, strings are bounded."""
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Contract(Schema):
    class Meta:
        unknown = RAISE


def text(*, max_length=200, min_length=1, required=False, allow_none=False, **kwargs):
    """A trimmed string between ``min_length`` and ``max_length`` characters."""
    return TrimmedString(required=required, allow_none=allow_none,
                         validate=validate.Length(min=min_length, max=max_length), **kwargs)


class TrimmedString(fields.String):
    """Trimmed; refuses NUL and lone surrogates, which PostgreSQL text cannot store (N-1: a 422, not a 500,
    even when a service is called without the gateway's guard).

    Its length bounds hold for the text as sent too (``validate.Length``, checked again once trimmed): a maximum
    counts what the client sent, as the OpenAPI ``maxLength`` does; a minimum of 1 means something other than
    white space (issue 10 §5: JSON Schema cannot bound a trimmed length exactly)."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if UNSTORABLE.search(result):
            raise ValidationError("invalid_characters")
        for validator in self.validators:
            if isinstance(validator, validate.Length):
                validator(result)
        return result.strip()


class StrictBoolean(fields.Boolean):
    """Only JSON true/false: ``"yes"`` or ``1`` for a flag is a client bug worth reporting."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def identifier(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=64), **kwargs)


def load_or_raise(schema, data, **kwargs):
    """``schema.load`` that also refuses a body that is not a JSON object."""
    if not isinstance(data, dict):
        raise ValidationError({"_schema": ["Invalid input type."]})
    return schema.load(data, **kwargs)
