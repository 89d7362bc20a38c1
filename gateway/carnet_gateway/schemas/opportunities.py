"""HTTP shapes of stages (O-3), opportunities and product lines (O-1, O-2, O-5): what the gateway answers. The
bodies and queries routes load and forward are ``carnet_contracts.opportunities``', the contracts the
opportunities service loads again (money, quantities and dates stay the client's text here, checked, never a
float: the service parses them)."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.opportunities import ExportQuery as ExportQuery
from carnet_contracts.opportunities import OpportunityCreate as OpportunityCreate
from carnet_contracts.opportunities import OpportunityQuery as OpportunityQuery
from carnet_contracts.opportunities import OpportunityUpdate as OpportunityUpdate
from carnet_contracts.opportunities import StageUpdate as StageUpdate
from carnet_contracts.opportunities import SubstageCreate as SubstageCreate
from carnet_contracts.opportunities import SubstageUpdate as SubstageUpdate
from carnet_gateway.schemas import page_of


class LineRead(Contract):
    id = fields.String()
    product_group = fields.String(allow_none=True)
    product_code = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    quantity = fields.String()
    unit_price = fields.String()
    shipping = fields.String()
    discount = fields.String()
    total = fields.String(metadata={"description": "quantity × unit_price + shipping − discount"})


class OpportunityRead(Contract):
    """An opportunity without the fields the caller's role may not read (S-3): a hidden field is absent, and so is a
    value tied to it (``probability`` with ``stage_id``, ``lines`` with ``total``, ``account_name`` with
    ``accounts.name``, ``contact_name`` with the contact's names and email)."""
    id = fields.String()
    title = fields.String()
    account_id = fields.String()
    account_name = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True, metadata={
        "description": "null when the caller does not see the contact (C-2, S-4)"})
    stage_id = fields.String()
    probability = fields.Integer()
    substage_id = fields.String(allow_none=True)
    rep1_id = fields.String(allow_none=True)
    rep2_id = fields.String(allow_none=True)
    close_date = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(LineRead))
    total = fields.String(metadata={"description": "Sum of the lines' totals, a decimal string"})
    source = fields.String(metadata={"description": "crm, or the accounting system it came from (read-only)"})
    read_only = fields.Boolean()
    custom = fields.Dict(metadata={"description": "Custom field values (C-14) the caller may read; a field tied "
                                                  "to a product type only when a line has that product group."})
    version = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


OpportunityPage = type("OpportunityPage", (page_of(OpportunityRead, "OpportunityPageBase"),), {
    "total_capped": fields.Boolean(metadata={
        "description": "True when more than 10,000 opportunities match: `total` is then the planner's estimate."})})


class SubstageRead(Contract):
    id = fields.String()
    stage_id = fields.String()
    label = fields.String(metadata={"description": "In the caller's language"})
    label_fr = fields.String()
    label_en = fields.String()
    locked = fields.Boolean()


class StageRead(Contract):
    id = fields.String()
    label = fields.String(metadata={"description": "In the caller's language"})
    label_fr = fields.String()
    label_en = fields.String()
    probability = fields.Integer()
    color = fields.String()
    substages = fields.List(fields.Nested(SubstageRead))
