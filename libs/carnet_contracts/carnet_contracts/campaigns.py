"""Campaigns and one-to-one e-mails (E-2…E-5): what ``/api/v1/campaigns``, ``/api/v1/sent-emails`` and
``POST /api/v1/contacts/{contact_id}/emails`` take, which the campaigns service loads again, and what they answer.

Addresses and names that become mail headers refuse CR and LF anywhere (header injection: 422 on the field), before
any trimming: ``from_email`` and ``reply_to`` with ``invalid_email``, ``from_name`` and ``subject`` with
``header_line_break``. Whether ``from_email`` belongs to a usable sending domain of the organization (E-5) is the
service's check (``sender_domain_unverified``)."""
import re

from marshmallow import ValidationError, fields, validate

from carnet_common.contracts import Contract, StrictBoolean, TrimmedString, identifier, text
from carnet_contracts.audience import Counters  # noqa: F401 - the E-4 counters, one declaration
from carnet_contracts.values import PageQuery

KINDS = ("campaign", "single")
STATUSES = ("draft", "sending", "paused", "sent", "cancelled")
RECIPIENT_STATES = ("queued", "sending", "sent", "retry", "failed", "suppressed", "cancelled")
MAX_LISTS = 50
MAX_HTML = 200_000
MAX_TEXT = 100_000
# One address, as a mail header holds it without encoding (the relay takes no SMTPUTF8): an ASCII local part of
# RFC 5322's atext and dots, "@", a domain of ASCII labels (IDNA's xn-- form) with a dot; so no white space, CR/LF
# included. The same pattern in Python and in the OpenAPI document (ECMA-262).
ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def _one_line(value):
    if "\r" in value or "\n" in value:
        raise ValidationError("header_line_break")


class HeaderText(TrimmedString):
    """A trimmed string that becomes (part of) a mail header: CR or LF anywhere, even at the ends, is refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            _one_line(value)
        return super()._deserialize(value, attr, data, **kwargs)


def address_field(**kwargs):
    """An e-mail address taken as sent (not trimmed: a trailing CR/LF is refused, never cut off); the document states
    its pattern and length."""
    metadata = {"pattern": ADDRESS.pattern, "maxLength": 254, **kwargs.pop("metadata", {})}
    return fields.String(validate=_address, metadata=metadata, **kwargs)


def _address(value):
    """The whole value matches (``re.match``'s ``$`` would also match before a final line break)."""
    if not isinstance(value, str) or len(value) > 254 or not ADDRESS.fullmatch(value):
        raise ValidationError("invalid_email")


class _Body(Contract):
    subject = HeaderText(validate=validate.Length(max=300), metadata={
        "description": "The subject; merge fields such as `{{ first_name }}` allowed (E-2). No line break.",
        "example": "Nos nouveautés, {{ first_name }}"})
    html = fields.String(validate=validate.Length(max=MAX_HTML), metadata={
        "description": "The HTML body, sanitised when saved (E-8); merge fields allowed."})
    text = fields.String(validate=validate.Length(max=MAX_TEXT), metadata={
        "description": "The plain-text body; merge fields allowed."})


class _Draft(_Body):
    name = text(max_length=200, metadata={"example": "Infolettre de mai"})
    list_ids = fields.List(identifier(), validate=validate.Length(max=MAX_LISTS), metadata={
        "description": "The lists it targets (E-4): lists the caller may access (else 422 `unknown_list`)."})
    template_id = identifier(allow_none=True, metadata={
        "description": "A template whose subject, HTML and text are copied into the draft (the template is "
                       "unchanged; fields given in the same body win)."})
    from_name = HeaderText(validate=validate.Length(max=200), metadata={"example": "Les Entreprises Gagnon"})
    from_email = address_field(allow_none=True, metadata={
        "description": "An address of a verified and approved sending domain of the organization (E-5), checked "
                       "when saved and again when sent (422 `sender_domain_unverified`).",
        "example": "nouvelles@gagnon.example"})
    reply_to = address_field(allow_none=True, metadata={"description": "Any address (no CR/LF)."})
    require_express = StrictBoolean(metadata={
        "description": "Send only to contacts with express consent (E-11)."})


class CampaignUpdate(_Draft):
    """A draft's fields; only drafts change. ``version`` is required (409 ``version_conflict`` when stale)."""
    version = fields.Integer(required=True, validate=validate.Range(min=1))


class CampaignCreate(_Draft):
    name = text(required=True, max_length=200, metadata={"example": "Infolettre de mai"})
    list_ids = fields.List(identifier(), load_default=list, validate=validate.Length(max=MAX_LISTS))
    require_express = StrictBoolean(load_default=False)


class CampaignVersion(Contract):
    """What sending, pausing, resuming or cancelling takes: the version the caller read (409 when stale)."""
    version = fields.Integer(required=True, validate=validate.Range(min=1))


class CampaignQuery(PageQuery):
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "Only campaigns in it."})
    kind = fields.String(validate=validate.OneOf(KINDS), load_default="campaign", metadata={
        "description": "`campaign` (the default) or `single` (one-to-one e-mails)."})


class CampaignRead(Contract):
    id = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    name = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    list_ids = fields.List(fields.String())
    contact_id = fields.String(allow_none=True, metadata={"description": "A one-to-one e-mail's contact."})
    template_id = fields.String(allow_none=True)
    subject = fields.String()
    html = fields.String(metadata={"description": "Sanitised HTML (E-8)."})
    text = fields.String()
    from_name = fields.String()
    from_email = fields.String()
    reply_to = fields.String(allow_none=True)
    require_express = fields.Boolean()
    counters = fields.Dict(allow_none=True, metadata={"description": "The counters when sending started (E-4)."})
    created_by = fields.String()
    created_at = fields.String()
    updated_at = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    version = fields.Integer()


class CampaignPage(Contract):
    items = fields.List(fields.Nested(CampaignRead))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class Progress(Contract):
    """Where sending stands: the campaign's status and its recipients counted by state."""
    id = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    total = fields.Integer(metadata={"description": "Recipients (one per address)."})
    done = fields.Integer(metadata={"description": "Recipients in a final state (sent, failed, suppressed, "
                                                   "cancelled)."})
    states = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Recipients by state: " + ", ".join(RECIPIENT_STATES) + "."})
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    version = fields.Integer()


class SingleEmailCreate(_Body):
    """A one-to-one e-mail to a contact (E-3): from the caller's own address and name, never from the body."""
    template_id = identifier(allow_none=True, metadata={
        "description": "A template whose subject, HTML and text fill what the body leaves out."})


class SentEmailQuery(PageQuery):
    kind = fields.String(validate=validate.OneOf(KINDS), metadata={"description": "Only campaigns or only "
                                                                                  "one-to-one e-mails."})


class SentEmailRead(Contract):
    """A campaign or one-to-one e-mail that was sent (or is sending), with what its recipients did."""
    id = fields.String()
    kind = fields.String(metadata={"enum": list(KINDS)})
    name = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    contact_id = fields.String(allow_none=True)
    from_email = fields.String()
    created_by = fields.String()
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    recipients = fields.Integer()
    sent = fields.Integer()
    opened = fields.Integer()
    clicked = fields.Integer()


class SentEmailPage(Contract):
    items = fields.List(fields.Nested(SentEmailRead))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class Sender(Contract):
    """The caller's own address and name for a one-to-one e-mail, as the gateway read them from the principal."""
    email = address_field(required=True, allow_none=True)
    name = fields.String(load_default="", allow_none=True, validate=validate.Length(max=300))
