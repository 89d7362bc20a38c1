"""HTTP contracts of stages (O-3), opportunities and product lines (O-1, O-2, O-5) and their export (O-6).

The opportunities service validates again with its own copy (``carnet_opportunities/opportunities/contracts.py``); both
accept the same fields with the same rules. Money and quantities stay the client's decimal strings here
(checked, not converted: never a float); the service computes with ``Decimal``.
"""
from datetime import date
from decimal import Decimal, InvalidOperation

from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_gateway.schemas import page_of
from carnet_gateway.schemas.contacts import custom_values_field

MONEY_PLACES, QUANTITY_PLACES, MAX_INTEGER_DIGITS = 2, 4, 12


def parse_decimal(value, places):
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError("decimal_string")
    raw = value.strip() if isinstance(value, str) else str(value)
    if not raw or len(raw) > 40 or any(c not in "0123456789.-+" for c in raw):
        raise ValidationError("decimal_string")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise ValidationError("decimal_string") from None
    if not number.is_finite():
        raise ValidationError("decimal_string")
    if number < 0:
        raise ValidationError("decimal_negative")
    if -number.as_tuple().exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError("money_places" if places == MONEY_PLACES else "quantity_places")
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise ValidationError("decimal_too_large")
    return number


class DecimalText(fields.Field):
    """A non-negative decimal string (``"43.98"``) with at most ``places`` decimals; kept as the string."""

    def __init__(self, *, places=MONEY_PLACES, **kwargs):
        self.places = places
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", "43.98" if places == MONEY_PLACES else "2")
        metadata.update(type="string", pattern=r"^\d+(\.\d{1,%d})?$" % places)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parse_decimal(value, self.places)
        return value if isinstance(value, str) else str(value)


class DateText(fields.String):
    """``YYYY-MM-DD``, checked and kept as text."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if len(value) != 10:
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise ValidationError("date_format") from None
        return value


class LineIn(Contract):
    product_group = text(allow_none=True, min_length=0, max_length=100)
    product_code = text(allow_none=True, min_length=0, max_length=100)
    description = text(allow_none=True, min_length=0, max_length=2000)
    quantity = DecimalText(places=QUANTITY_PLACES, required=True)
    unit_price = DecimalText(required=True)
    shipping = DecimalText()
    discount = DecimalText()

    @validates_schema
    def _total_not_negative(self, data, **kwargs):
        try:
            total = (parse_decimal(data["quantity"], QUANTITY_PLACES) * parse_decimal(data["unit_price"], MONEY_PLACES)
                     + parse_decimal(data.get("shipping", "0"), MONEY_PLACES)
                     - parse_decimal(data.get("discount", "0"), MONEY_PLACES))
        except (KeyError, ValidationError):
            return
        if total < 0:
            raise ValidationError("line_total_negative", "discount")


def _opportunity_fields():
    return {
        "title": text(max_length=200),
        "account_id": identifier(),
        "contact_id": identifier(allow_none=True, metadata={"description": "A contact of the account."}),
        "stage_id": identifier(),
        "substage_id": identifier(allow_none=True),
        "rep1_id": identifier(allow_none=True),
        "rep2_id": identifier(allow_none=True),
        "close_date": DateText(allow_none=True, metadata={"example": "2025-06-30"}),
        "lines": fields.List(fields.Nested(LineIn), validate=validate.Length(max=500)),
        "custom": custom_values_field(),
    }


OpportunityCreate = type("OpportunityCreate", (Contract,), {
    **_opportunity_fields(), "title": text(required=True, max_length=200), "account_id": identifier(required=True),
    "stage_id": identifier(required=True)})
OpportunityUpdate = type("OpportunityUpdate", (Contract,), {
    **_opportunity_fields(), "version": fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "The version read; a stale one is refused with 409."})})


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
    id = fields.String()
    title = fields.String()
    account_id = fields.String()
    account_name = fields.String(allow_none=True)
    contact_id = fields.String(allow_none=True)
    contact_name = fields.String(allow_none=True)
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


class OpportunityQuery(Contract):
    account_id = identifier()
    contact_id = identifier(metadata={"description": "Those naming the contact and those of its account (O-1)."})
    stage = identifier(metadata={"description": "A stage id."})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "In the title or account name."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ExportQuery(Contract):
    account_id = identifier()
    contact_id = identifier()
    stage = identifier()
    q = fields.String(validate=validate.Length(max=200))


class StageUpdate(Contract):
    label_fr = text(max_length=100)
    label_en = text(max_length=100)
    probability = fields.Raw(metadata={"description": "Refused (422): probabilities are fixed (O-3)."})
    color = fields.Raw(metadata={"description": "Refused (422): colours are fixed (O-3)."})

    @validates_schema
    def _labels_only(self, data, **kwargs):
        for key in ("probability", "color"):
            if key in data:
                raise ValidationError("stage_fixed", key)
        if not data:
            raise ValidationError("stage_label_required", "label_en")


class SubstageCreate(Contract):
    label_fr = text(required=True, max_length=100)
    label_en = text(required=True, max_length=100)
    locked = StrictBoolean(metadata={"description": "Used by an accounting sync: its labels cannot change."})


class SubstageUpdate(Contract):
    label_fr = text(max_length=100)
    label_en = text(max_length=100)


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
