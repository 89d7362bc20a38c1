"""The audience of campaigns (E-4, E-11): what ``/api/v1`` takes for the pre-send counters, a contact's consent
ledger and the suppression list, loaded again by the campaigns service (audience area), and what it answers."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.values import AwareDateTimeText, Parsed, page_field, per_page_field

KINDS = ("express", "implied")
BASES = ("purchase", "inquiry", "other")
SOURCES = ("manual", "form", "import", "double_opt_in", "purchase", "inquiry", "other")
STATES = ("express", "implied", "expired", "none")
REASONS = ("unsubscribe", "bounce", "complaint", "manual")
MAX_LISTS = 100


def email_field(**kwargs):
    return fields.Email(validate=validate.Length(max=254), **kwargs)


class CountersQuery(Contract):
    """The lists a campaign targets (each one the caller may access: else 422 ``unknown_list``)."""
    list_ids = fields.List(identifier(), required=True,
                           validate=validate.Length(min=1, max=MAX_LISTS, error="list_ids_count"),
                           metadata={"description": "One or more lists the caller may access."})
    require_express = StrictBoolean(load_default=False, metadata={
        "description": "Select only the contacts with an express consent in effect (E-11)."})


class Counters(Contract):
    total = fields.Integer(metadata={"description": "Contacts of the lists the caller sees (each once)."})
    valid = fields.Integer(metadata={"description": "Distinct addresses (case-insensitive) of the valid, subscribed "
                                                    "contacts: duplicates and unsubscribed excluded (E-4)."})
    selected = fields.Integer(metadata={"description": "Addresses a send reaches: the valid ones, or with "
                                                       "require_express those with an express consent."})
    duplicates = fields.Integer(metadata={"description": "Valid contacts beyond the first of each address."})
    unsubscribed = fields.Integer(metadata={"description": "Contacts with a valid address and language who are "
                                                           "unsubscribed or whose address is suppressed."})
    invalid = fields.Integer(metadata={"description": "Contacts without a valid address or language, or "
                                                      "inactive (C-24)."})
    no_consent = fields.Integer(metadata={"description": "Valid addresses with no consent in effect, none expired."})
    consent_expired = fields.Integer(metadata={"description": "Valid addresses whose implied consent lapsed, with "
                                                              "no consent in effect."})


class ConsentCreate(Contract):
    """A consent given by the contact (E-11). Implied consent needs its ``basis``; it lapses 2 years after a
    purchase, 6 months after an inquiry; an implied consent of another basis needs ``expires_at``."""
    kind = fields.String(required=True, validate=validate.OneOf(KINDS, error="consent_kind"))
    basis = fields.String(allow_none=True, validate=validate.OneOf(BASES, error="consent_basis"))
    source = fields.String(load_default="manual", validate=validate.OneOf(SOURCES, error="consent_source"))
    given_at = AwareDateTimeText(metadata={"description": "When it was given (RFC 3339; default now); not in the "
                                                          "future."})
    expires_at = AwareDateTimeText(metadata={"description": "Only for an implied consent of basis other."})
    proof = text(max_length=2000, min_length=0, load_default="",
                 metadata={"description": "What shows it was given (form name, message, invoice number)."})

    @validates_schema
    def _basis(self, data, **kwargs):
        if data.get("kind") == "implied" and not data.get("basis"):
            raise ValidationError("consent_basis_required", "basis")
        if data.get("expires_at") and not (data.get("kind") == "implied" and data.get("basis") == "other"):
            raise ValidationError("consent_expiry_not_allowed", "expires_at")
        if data.get("kind") == "implied" and data.get("basis") == "other" and not data.get("expires_at"):
            raise ValidationError("consent_expiry_required", "expires_at")


class ParsedConsentCreate(Parsed, ConsentCreate):
    pass


class ConsentRead(Contract):
    id = fields.String()
    contact_id = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    basis = fields.String(allow_none=True, metadata={"enum": list(BASES)})
    source = fields.String()
    given_at = fields.String()
    expires_at = fields.String(allow_none=True)
    proof = fields.String()
    recorded_by = fields.String(allow_none=True)
    withdrawn_at = fields.String(allow_none=True)
    withdrawn_by = fields.String(allow_none=True)
    opportunity_id = fields.String(allow_none=True)
    in_effect = fields.Boolean(metadata={"description": "Not withdrawn and not expired now."})


class ConsentLedger(Contract):
    contact_id = fields.String()
    state = fields.String(metadata={"enum": list(STATES), "description": "express: an express consent in effect; "
                                    "implied: an implied one in effect; expired: implied ones lapsed; none."})
    implied_until = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    subscribed = fields.Boolean(allow_none=True)
    suppressed = fields.Boolean(metadata={"description": "The address is on the suppression list."})
    consents = fields.List(fields.Nested(ConsentRead))


class SuppressionQuery(Contract):
    page = page_field()
    per_page = per_page_field()
    q = text(max_length=254, metadata={"description": "Part of an address."})


class SuppressionCreate(Contract):
    email = email_field(required=True)
    reason = fields.String(load_default="manual", validate=validate.OneOf(("manual",), error="suppression_reason"),
                           metadata={"description": "Only manual entries are added by hand."})


class SuppressionRead(Contract):
    email = fields.String()
    reason = fields.String(metadata={"enum": list(REASONS)})
    source = fields.String()
    contact_id = fields.String(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.String()
    removable = fields.Boolean(metadata={"description": "Only manual entries may be removed."})


class SuppressionPage(Contract):
    items = fields.List(fields.Nested(SuppressionRead))
    page = fields.Integer()
    per_page = fields.Integer()
    has_more = fields.Boolean()
