"""Custom fields (C-14), saved filters (C-12) and list layouts (C-15): what ``/api/v1`` takes and the service that
owns them loads again (contacts for contacts and accounts, opportunities for opportunities, whose fields may be
tied to a product type, O-2). The typed rules of the values records carry are ``carnet_custom_fields.values``'."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, text

CUSTOM_FIELD_TYPES = ("text", "textarea", "number", "decimal", "date", "boolean", "single_choice", "multi_choice",
                      "url", "email", "phone", "html")
CHOICE_TYPES = ("single_choice", "multi_choice")
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
CUSTOM_FIELD_KEY = validate.Regexp(KEY_PATTERN, error="custom_field_key")
MAX_PER_MODULE = 70
CRITERIA_DOC = ('Nested groups `{"op": "and"|"or", "items": [...]}` and leaves `{"field", "cmp", "value"}`. '
                "Fields: the record's own, `account.<field>` (contacts), `custom.<key>`, `list` (value: a list "
                "id). cmp: eq, ne, contains, starts_with, empty, not_empty, before, after, gt, lt. At most 6 "
                "levels and 100 leaves.")
PRODUCT_TYPE_DOC = ("A product type (a line's product group, compared case-insensitively): the field shows only "
                    "on opportunities with such a line. null: on every opportunity.")


def custom_values_field():
    """A record's ``{key: value}`` of custom fields; their types are checked by the service against the
    organization's fields."""
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=63)), values=fields.Raw(allow_none=True),
                       validate=validate.Length(max=MAX_PER_MODULE), metadata={
                           "description": "Custom field values by key (C-14), typed as the field: text, integer, "
                                          'decimal string ("43.98"), date YYYY-MM-DD, boolean, a choice, a list '
                                          "of choices; null clears a value.", "example": {"secteur": "Bois"}})


# Custom field definitions ----------------------------------------------------------------------------------------

def _choices():
    return fields.List(text(max_length=200), validate=validate.Length(min=1, max=200))


class CustomFieldUpdate(Contract):
    label_fr = text(max_length=100)
    label_en = text(max_length=100)
    hidden = StrictBoolean(metadata={"description": "Hidden for everyone (absent from records)."})
    height = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=50),
                            metadata={"description": "Lines shown, textarea only."})
    choices = _choices()


class CustomFieldCreate(CustomFieldUpdate):
    """A key of lowercase letters, digits and ``_``; choices exactly on choice fields; a height only on multi-line
    text."""
    key = fields.String(required=True, validate=CUSTOM_FIELD_KEY, metadata={"example": "secteur"})
    type = fields.String(required=True, validate=validate.OneOf(CUSTOM_FIELD_TYPES))
    label_fr = text(required=True, max_length=100, metadata={"example": "Secteur"})
    label_en = text(required=True, max_length=100, metadata={"example": "Industry"})

    @validates_schema
    def _options_fit_the_type(self, data, **kwargs):
        kind = data.get("type")
        if kind in CHOICE_TYPES and not data.get("choices"):
            raise ValidationError("custom_field_choices_required", "choices")
        if kind not in CHOICE_TYPES and "choices" in data:
            raise ValidationError("custom_field_no_choices", "choices")
        if kind != "textarea" and data.get("height") is not None:
            raise ValidationError("custom_field_height_textarea", "height")


class OpportunityCustomFieldUpdate(CustomFieldUpdate):
    product_type = text(allow_none=True, max_length=100, metadata={"description": PRODUCT_TYPE_DOC})


class OpportunityCustomFieldCreate(CustomFieldCreate):
    product_type = text(allow_none=True, max_length=100, metadata={"description": PRODUCT_TYPE_DOC,
                                                                   "example": "Bois franc"})


# Saved filters and layouts -------------------------------------------------------------------------------------

class FilterUpdate(Contract):
    name = text(max_length=100)
    criteria = fields.Dict(metadata={"description": CRITERIA_DOC})


class FilterCreate(FilterUpdate):
    name = text(required=True, max_length=100)
    criteria = fields.Dict(required=True, metadata={"description": CRITERIA_DOC})


class LayoutPut(Contract):
    """Columns in order; each a stack of fields, the first one its title (C-15)."""
    columns = fields.List(fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                                      validate=validate.Length(min=1, max=5)),
                          required=True, validate=validate.Length(min=1, max=60),
                          metadata={"example": [["last_name", "first_name"], ["account_name"], ["custom.secteur"]]})
