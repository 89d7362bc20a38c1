"""RPC contracts of stages, opportunities, their custom fields and their export (marshmallow); ``Actor`` is also
the caller of the delete conversation (``readmodel``). The gateway keeps its own copy for HTTP
(``carnet_gateway/schemas/opportunities.py``); both accept the same fields."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_custom_fields import admin as custom_field_admin
from carnet_custom_fields import values as custom_values
from carnet_opportunities.opportunities import lines

SOURCES = ("crm", "acomba", "quickbooks")
EXTERNAL_SOURCES = ("acomba", "quickbooks")


class DecimalString(fields.Field):
    """A decimal travelling as a string (``"43.98"``): at most ``places`` decimals, never negative, never a
    float; loads to ``Decimal``, dumps to its string."""

    def __init__(self, *, places=lines.MONEY_PLACES, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return lines.parse_decimal(value, places=self.places)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return lines.money(value) if self.places == lines.MONEY_PLACES else lines.quantity(value)


def money(**kwargs):
    return DecimalString(places=lines.MONEY_PLACES, **kwargs)


def quantity(**kwargs):
    return DecimalString(places=lines.QUANTITY_PLACES, **kwargs)


class Flags(Contract):
    all_contacts = fields.Boolean(load_default=False)
    hierarchy_contacts = fields.Boolean(load_default=False)
    own_records_only = fields.Boolean(load_default=False)


class Actor(Contract):
    """The caller as the gateway verified it, with what visibility needs: flags, subordinates and the
    caller's selected accessible list ids (asked of contacts by the gateway)."""
    org_id = fields.String(required=True)
    user_id = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    request_id = fields.String(allow_none=True)
    language = fields.String(load_default="en", validate=validate.OneOf(("en", "fr")))
    flags = fields.Nested(Flags, load_default=lambda: {"all_contacts": False, "hierarchy_contacts": False,
                                                       "own_records_only": False})
    subordinate_ids = fields.List(fields.String(), load_default=list)
    list_ids = fields.List(fields.String(), load_default=list, validate=validate.Length(max=10_000))


class LineIn(Contract):
    product_group = text(allow_none=True, min_length=0, max_length=100)
    product_code = text(allow_none=True, min_length=0, max_length=100)
    description = text(allow_none=True, min_length=0, max_length=2000)
    quantity = quantity(required=True)
    unit_price = money(required=True)
    shipping = money(load_default=lambda: lines.Decimal("0"))
    discount = money(load_default=lambda: lines.Decimal("0"))

    @validates_schema
    def _total_not_negative(self, data, **kwargs):
        if {"quantity", "unit_price"} <= set(data) and lines.line_total(data) < 0:
            raise ValidationError("line_total_negative", "discount")


def custom_values_field():
    """``{key: value}`` of custom fields (C-14); checked against the organization's fields in use cases."""
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=63)), values=fields.Raw(allow_none=True),
                       validate=validate.Length(max=custom_values.MAX_PER_MODULE))


def _opportunity_fields():
    return {
        "title": text(max_length=200),
        "account_id": identifier(),
        "contact_id": identifier(allow_none=True),
        "stage_id": identifier(),
        "substage_id": identifier(allow_none=True),
        "rep1_id": identifier(allow_none=True),
        "rep2_id": identifier(allow_none=True),
        "close_date": fields.Date(allow_none=True),
        "lines": fields.List(fields.Nested(LineIn), validate=validate.Length(max=500)),
        "custom": custom_values_field(),
    }


OpportunityCreate = type("OpportunityCreate", (Contract,), {
    **_opportunity_fields(), "title": text(required=True, max_length=200), "account_id": identifier(required=True),
    "stage_id": identifier(required=True)})
OpportunityUpdate = type("OpportunityUpdate", (Contract,), {
    **_opportunity_fields(), "version": fields.Integer(validate=validate.Range(min=1))})
OpportunityImport = type("OpportunityImport", (OpportunityCreate,), {
    "source": fields.String(required=True, validate=validate.OneOf(EXTERNAL_SOURCES)),
    "external_ref": text(max_length=200)})


class OpportunityQuery(Contract):
    account_id = identifier()
    contact_id = identifier()
    stage = identifier()
    q = fields.String(validate=validate.Length(max=200))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class StageUpdate(Contract):
    """Labels only (O-3): a probability or a colour is refused with a message saying why."""
    label_fr = text(max_length=100)
    label_en = text(max_length=100)
    probability = fields.Raw()
    color = fields.Raw()

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
    locked = StrictBoolean(load_default=False)


class SubstageUpdate(Contract):
    label_fr = text(max_length=100)
    label_en = text(max_length=100)


def denied_custom(values):
    """The custom keys the caller may not read (S-3: the gateway passes them to an export), whatever the caller
    sent (non-strings are no keys)."""
    return sorted({v for v in values if isinstance(v, str)}) if isinstance(values, (list, tuple)) else []


# Custom fields (C-14): the definition contracts shared with contacts, with a product type -------------------

def _product_type():
    return text(allow_none=True, max_length=100)


class CustomFieldUpdate(custom_field_admin.CustomFieldUpdate):
    """The shared definition contract (``carnet_custom_fields.admin``) with a product type (O-2)."""
    product_type = _product_type()


class CustomFieldCreate(custom_field_admin.CustomFieldCreate):
    product_type = _product_type()
