"""HTTP shapes of custom fields (C-14), saved filters (C-12) and list layouts (C-15): what the gateway answers.
The bodies routes load and forward are ``carnet_contracts.customization``'s, the contracts the contacts service
(and the opportunities service, for opportunity fields) loads again."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.customization import PRODUCT_TYPE_DOC
from carnet_contracts.customization import CustomFieldCreate as CustomFieldCreate
from carnet_contracts.customization import CustomFieldUpdate as CustomFieldUpdate
from carnet_contracts.customization import FilterCreate as FilterCreate
from carnet_contracts.customization import FilterUpdate as FilterUpdate
from carnet_contracts.customization import LayoutPut as LayoutPut
from carnet_contracts.customization import OpportunityCustomFieldCreate as OpportunityCustomFieldCreate
from carnet_contracts.customization import OpportunityCustomFieldUpdate as OpportunityCustomFieldUpdate


class CustomFieldRead(Contract):
    key = fields.String()
    module = fields.String()
    type = fields.String()
    label_fr = fields.String()
    label_en = fields.String()
    hidden = fields.Boolean()
    height = fields.Integer(allow_none=True)
    choices = fields.List(fields.String(), allow_none=True)
    position = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


class OpportunityCustomFieldRead(CustomFieldRead):
    product_type = fields.String(allow_none=True, metadata={"description": PRODUCT_TYPE_DOC})


class FilterRead(Contract):
    id = fields.String()
    module = fields.String()
    name = fields.String()
    criteria = fields.Dict()
    created_at = fields.String()
    updated_at = fields.String()


class LayoutRead(Contract):
    module = fields.String()
    columns = fields.List(fields.List(fields.String()))
    sort = fields.String(allow_none=True, metadata={"description": "The caller's last sort of this module."})
