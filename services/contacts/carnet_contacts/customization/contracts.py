"""RPC contracts of customization (C-12, C-14, C-15). The gateway keeps its own copy for HTTP
(``carnet_gateway/schemas/customization.py``); tests/contract checks both accept the same fields."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, text
from carnet_custom_fields import admin as custom_field_admin
from carnet_custom_fields import values as custom_values

# Custom field definitions: the contracts shared with opportunities (``carnet_custom_fields.admin``).
CUSTOM_FIELD_TYPES = custom_values.TYPES   # compared with the gateway's copy (tests/contract)
CustomFieldUpdate = custom_field_admin.CustomFieldUpdate
CustomFieldCreate = custom_field_admin.CustomFieldCreate


class FilterUpdate(Contract):
    name = text(max_length=100)
    criteria = fields.Dict()


class FilterCreate(FilterUpdate):
    name = text(required=True, max_length=100)
    criteria = fields.Dict(required=True)


class LayoutPut(Contract):
    """Columns in order; each a stack of fields, the first one its title (C-15)."""
    columns = fields.List(fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                                      validate=validate.Length(min=1, max=5)),
                          required=True, validate=validate.Length(min=1, max=60))
