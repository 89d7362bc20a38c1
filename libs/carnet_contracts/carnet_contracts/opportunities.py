"""Stages (O-3), opportunities and their product lines (O-1, O-2, O-5) and their export (O-6): what ``/api/v1``
takes, and the same contracts as the opportunities service loads them (``Parsed*``: money and quantities as
``Decimal``, the close date as a ``date``)."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.customization import custom_values_field
from carnet_contracts.values import (
    MONEY_PLACES,
    QUANTITY_PLACES,
    DateText,
    DecimalText,
    Parsed,
    line_total,
    page_field,
    parse_decimal,
    per_page_field,
)

MAX_LINES = 500
# A line's total and an opportunity's are numeric(16, 2): below 10^14. Each amount is below 10^12, not their product
# nor their sum: those are checked (422) rather than overflowing the column (a 502; issue 10 §5).
MAX_TOTAL = 10 ** 14


class LineIn(Contract):
    """A product line (O-5); the service takes absent shipping and discount as zero."""
    product_group = text(allow_none=True, min_length=0, max_length=100)
    product_code = text(allow_none=True, min_length=0, max_length=100)
    description = text(allow_none=True, min_length=0, max_length=2000)
    quantity = DecimalText(places=QUANTITY_PLACES, required=True)
    unit_price = DecimalText(required=True)
    shipping = DecimalText(absent="0")
    discount = DecimalText(absent="0")

    @validates_schema
    def _total_not_negative(self, data, **kwargs):
        """A discount larger than the line is refused: its total, as stored, cannot be negative; nor reach
        ``MAX_TOTAL``."""
        if not {"quantity", "unit_price"} <= set(data):
            return
        amounts = {"quantity": parse_decimal(data["quantity"], QUANTITY_PLACES),
                   "unit_price": parse_decimal(data["unit_price"], MONEY_PLACES),
                   "shipping": parse_decimal(data.get("shipping", "0"), MONEY_PLACES),
                   "discount": parse_decimal(data.get("discount", "0"), MONEY_PLACES)}
        total = line_total(**amounts)
        if total < 0:
            raise ValidationError("line_total_negative", "discount")
        if total >= MAX_TOTAL:
            raise ValidationError("line_total_too_large", "quantity")


class _WithLines(Contract):
    @validates_schema
    def _total_fits(self, data, **kwargs):
        """The opportunity's total, the sum of its lines', below ``MAX_TOTAL`` (each line was checked)."""
        lines = data.get("lines") or []
        total = sum(line_total(quantity=parse_decimal(str(line["quantity"]), QUANTITY_PLACES),
                               unit_price=parse_decimal(str(line["unit_price"]), MONEY_PLACES),
                               shipping=parse_decimal(str(line.get("shipping", "0")), MONEY_PLACES),
                               discount=parse_decimal(str(line.get("discount", "0")), MONEY_PLACES))
                    for line in lines)
        if total >= MAX_TOTAL:
            raise ValidationError("opportunity_total_too_large", "lines")


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
        "lines": fields.List(fields.Nested(LineIn), validate=validate.Length(max=MAX_LINES),
                             metadata={"description": "Replaced as a whole. A line's total (quantity × unit price + "
                                                      "shipping − discount) and their sum stay below 10^14 (else a "
                                                      "422 naming the line's quantity, or lines)."}),
        "custom": custom_values_field(),
    }


OpportunityCreate = type("OpportunityCreate", (_WithLines,), {
    "__module__": __name__, **_opportunity_fields(), "title": text(required=True, max_length=200),
    "account_id": identifier(required=True), "stage_id": identifier(required=True)})
OpportunityUpdate = type("OpportunityUpdate", (_WithLines,), {
    "__module__": __name__, **_opportunity_fields(),
    "version": fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "The version read; a stale one is refused with 409."})})


class OpportunityQuery(Contract):
    account_id = identifier()
    contact_id = identifier(metadata={"description": "Those naming the contact and those of its account (O-1)."})
    stage = identifier(metadata={"description": "A stage id."})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "In the title or account name."})
    page = page_field()
    per_page = per_page_field()


class ExportQuery(OpportunityQuery):
    """The search's filters without paging: an export has every opportunity they select (O-6)."""

    class Meta(OpportunityQuery.Meta):
        exclude = ("page", "per_page")


# Stages (O-3) ----------------------------------------------------------------------------------------------------

class StageUpdate(Contract):
    """Labels only: a probability or a colour is refused with a message saying why."""
    label_fr = text(max_length=100)
    label_en = text(max_length=100)
    probability = fields.Raw(metadata={"description": "Refused (422): probabilities are fixed (O-3).", "refused": True})
    color = fields.Raw(metadata={"description": "Refused (422): colours are fixed (O-3).", "refused": True})

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


# As the opportunities service loads them: the same contracts, their text values parsed --------------------------

class ParsedLineIn(Parsed, LineIn):
    pass


class ParsedOpportunityCreate(Parsed, OpportunityCreate):
    pass


class ParsedOpportunityUpdate(Parsed, OpportunityUpdate):
    pass
