"""Lists, their grants and the caller's selection (L-1..L-3, S-6): what ``/api/v1`` takes and the contacts
service loads again."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text


class ListCreate(Contract):
    name = text(required=True, max_length=100, metadata={"example": "Clients Montréal"})
    access_all_users = StrictBoolean()
    private = StrictBoolean(metadata={"description": "Only its creator sees it; never made public again."})

    @validates_schema
    def _private_is_not_shared(self, data, **kwargs):
        if data.get("private") and data.get("access_all_users"):
            raise ValidationError("private_list_not_shared", "access_all_users")


class ListUpdate(ListCreate):
    name = text(max_length=100)


class SelectedListsBody(Contract):
    """The caller's active lists (L-2), replaced as a whole."""
    list_ids = fields.List(identifier(), required=True, validate=validate.Length(max=1000))


class GrantsBody(Contract):
    """The users granted a list (S-6), replaced as a whole."""
    user_ids = fields.List(identifier(), required=True, validate=validate.Length(max=1000))
