"""Sending domains (E-5, E-6): what ``/api/v1/sending-domains`` takes and the campaigns service loads again, and what
it answers. The domain is checked whole by the service (IDNA, look-alikes, another organization's); here only its
shape is bounded."""
from marshmallow import fields

from carnet_common.contracts import Contract, text

RECORDS = ("spf", "dkim", "tracking")
STATES = ("ok", "missing", "wrong", "dns_error")
APPROVALS = ("pending", "approved", "refused")


class DomainCreate(Contract):
    domain = text(required=True, max_length=253, metadata={
        "description": "The domain the organization sends from (its own; international names accepted and stored "
                       "in their ASCII form). Refused: free-mail providers, look-alikes of well-known providers or "
                       "of another organization's domain (422 `domain_lookalike` on `domain`), another "
                       "organization's domain (409 `domain_taken`).",
        "example": "infolettre.acme.ca"})


class DomainRefusal(Contract):
    reason = text(required=True, max_length=1000)


class Record(Contract):
    """One DNS record to publish."""
    record = fields.String(metadata={"enum": list(RECORDS)})
    type = fields.String(metadata={"enum": ["TXT", "CNAME"]})
    name = fields.String(metadata={"example": "carnet1._domainkey.infolettre.acme.ca"})
    value = fields.String(metadata={"description": "The exact value (a DKIM key over 255 bytes is published as "
                                                   "several strings of one TXT record, as DNS hosts do)."})


class RecordCheck(Contract):
    state = fields.String(metadata={"enum": list(STATES)})
    reason = fields.String(metadata={"description": "The reason's code (the gateway adds its sentence)."})
    found = fields.String(allow_none=True, metadata={"description": "What the DNS answered, when it matters."})
    message = fields.String(metadata={"description": "The reason as a sentence in the caller's language."})


class Checks(Contract):
    spf = fields.Nested(RecordCheck)
    dkim = fields.Nested(RecordCheck)
    tracking = fields.Nested(RecordCheck)


class DomainRead(Contract):
    id = fields.String()
    domain = fields.String(metadata={"description": "ASCII (IDNA) form"})
    display_domain = fields.String(metadata={"description": "Unicode form"})
    selector = fields.String(metadata={"example": "carnet1"})
    records = fields.List(fields.Nested(Record), metadata={"description": "The records to publish (administrators "
                                                                          "only)."})
    checks = fields.Nested(Checks, allow_none=True, metadata={"description": "The last check's result per record "
                                                                            "(null before the first check)."})
    checked_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    verified = fields.Boolean(metadata={"description": "All three records were found as published at the last "
                                                       "check."})
    verified_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    approval = fields.String(metadata={"enum": list(APPROVALS), "description": "Carnet's approval (an "
                                                                               "administrator of the installation)."})
    approved_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    refusal_reason = fields.String(allow_none=True)
    usable = fields.Boolean(metadata={"description": "Verified and approved: campaigns may send from it."})
    created_at = fields.String(metadata={"format": "date-time"})
