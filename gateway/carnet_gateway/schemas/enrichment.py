"""HTTP shapes of enrichment (C-6). The apply body is ``carnet_contracts.enrichment.EnrichmentApply``, which the
contacts service loads again."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.enrichment import EnrichmentApply as EnrichmentApply

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
