"""RPC contracts of lists (L-1..L-3, S-6). The gateway keeps its own copy for HTTP
(``carnet_gateway/schemas/contacts.py``); tests/contract checks both accept the same fields."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text


class SelectedLists(Contract):
    list_ids = fields.List(identifier(), required=True, validate=validate.Length(max=1000))


class ListCreate(Contract):
    name = text(required=True, max_length=100)
    access_all_users = StrictBoolean()
    private = StrictBoolean()

    @validates_schema
    def _private_is_not_shared(self, data, **kwargs):
        if data.get("private") and data.get("access_all_users"):
            raise ValidationError("private_list_not_shared", "access_all_users")


class ListUpdate(ListCreate):
    name = text(max_length=100)


class Grants(Contract):
    user_ids = fields.List(identifier(), required=True, validate=validate.Length(max=1000))
