"""Enrichment of a contact (C-6): the body ``POST /api/v1/contacts/{id}/enrichment/apply`` takes, which the contacts
service loads again. The chosen fields carry the rules of a contact's update (``records.contact_fields``), so an
applied value is exactly what a ``PATCH`` would accept."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts.customization import custom_values_field
from carnet_contracts.records import contact_fields

# The standard fields enrichment may propose and apply; what has no standard field (company, industry, social
# profiles) goes to a custom field of the contacts whose key is its name (CUSTOM_KEYS), when the organization has one.
ENRICHABLE = ("first_name", "last_name", "title", "phone", "fax", "website", "street", "city", "province",
              "postal_code", "country")
CUSTOM_KEYS = ("company", "industry", "linkedin", "facebook", "twitter", "instagram", "youtube")

EnrichmentFields = type("EnrichmentFields", (Contract,), {
    "__module__": __name__, **{name: field for name, field in contact_fields().items() if name in ENRICHABLE},
    "custom": custom_values_field()})


class EnrichmentApply(Contract):
    """The fields the user chose among the proposals, with the version read (409 when the record changed since)."""
    version = fields.Integer(required=True, validate=validate.Range(min=1), metadata={
        "description": "The contact's version the proposals were made on; a stale one is refused with 409."})
    fields_ = fields.Nested(EnrichmentFields, required=True, data_key="fields", attribute="fields", metadata={
        "description": "The chosen fields and their values (a proposal's `proposed`); custom fields under `custom`."})
    source = fields.Url(schemes={"http", "https"}, allow_none=True, load_default=None,
                        validate=validate.Length(max=2000), metadata={
                            "description": "The page the proposals were read from (`source` of the proposals), "
                                           "kept in the history entry of the enrichment (C-17)."})
