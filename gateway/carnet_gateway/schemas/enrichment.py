"""HTTP shapes of enrichment (C-6). The apply body is ``carnet_contracts.enrichment.EnrichmentApply``, which the
contacts service loads again; ``EnrichmentApply`` here loads exactly as it does and documents what the service
checks beyond it (issue 10 §5): at least one field chosen (422 ``enrichment_nothing_chosen``), and only the custom
fields enrichment fills (``CUSTOM_KEYS``; 422 ``not_enrichable`` for another key)."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts import enrichment as contracts
from carnet_contracts.customization import custom_values_field
from carnet_contracts.enrichment import CUSTOM_KEYS, ENRICHABLE


def _custom():
    field = custom_values_field()
    field.key_field = fields.String(validate=validate.Length(min=1, max=63), metadata={"enum": list(CUSTOM_KEYS)})
    field.metadata = {**field.metadata, "example": {"industry": "Bois"}, "description": (
        "Custom fields of the contacts whose key is one enrichment fills (company, industry, social profiles), "
        "when the organization has them (C-14), typed as the field.")}
    return field


EnrichmentFields = type("EnrichmentFields", (contracts.EnrichmentFields,), {"__module__": __name__,
                                                                            "custom": _custom()})


class EnrichmentApply(contracts.EnrichmentApply):
    fields_ = fields.Nested(EnrichmentFields, required=True, data_key="fields", attribute="fields", metadata={
        "description": "The chosen fields and their values (a proposal's `proposed`); custom fields under `custom`. "
                       "At least one (422 `enrichment_nothing_chosen`).",
        "anyOf": [*({"required": [name]} for name in ENRICHABLE),
                  {"required": ["custom"], "properties": {"custom": {"minProperties": 1}}}]})

OUTCOMES = ("found", "nothing_new", "nothing_found", "free_mail", "unreachable")


class Proposal(Contract):
    field = fields.String(metadata={"example": "phone", "description": "A contact field, or `custom.<key>`."})
    current = fields.Raw(allow_none=True, metadata={"description": "The record's value now."})
    proposed = fields.String(metadata={"example": "+1 514-555-0100"})
    writable = fields.Boolean(metadata={"description": "Whether the caller's role may write the field (S-3)."})


class EnrichmentProposals(Contract):
    contact_id = fields.String()
    version = fields.Integer(metadata={"description": "Send it back with the chosen fields (`/enrichment/apply`)."})
    provider = fields.String(metadata={"example": "website"})
    outcome = fields.String(metadata={"enum": list(OUTCOMES), "description": (
        "found: `proposals` holds what differs from the record; nothing_new: what was found is what the record "
        "has (or fields the caller may not read); nothing_found; free_mail: the address is at a free-mail domain, "
        "whose site says nothing about its owner; unreachable: the site did not answer in time or in size.")})
    message = fields.String(metadata={"description": "The outcome in the caller's language."})
    source = fields.String(allow_none=True, metadata={"example": "https://acme.example/"})
    proposals = fields.List(fields.Nested(Proposal), metadata={
        "description": "Only fields the caller may read, and only values that differ from the record's."})
    other_facts = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "What was found but no field of the organization holds (company, industry, social profiles "
                       "without a contacts custom field of that key).", "example": {"linkedin": "https://…"}})
