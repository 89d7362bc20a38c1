"""E-mail templates (E-2, E-8): what ``/api/v1/email-templates`` takes, which the campaigns service (content area)
loads again, and what it answers.

Merge fields (``{{ first_name }}``, ``{{ first_name | "client" }}``) are checked by the service
(``carnet_campaigns.content.render.check``: 422 ``merge_field_unknown`` / ``merge_field_broken`` naming subject, html
or text); the HTML is sanitised when saved. The subject refuses CR and LF (``header_line_break``), as it becomes a
mail header."""
from marshmallow import ValidationError, fields, validate

from carnet_common.contracts import Contract, TrimmedString, text

MAX_SUBJECT = 300
# Bodies stay below the gateway's MAX_BODY_BYTES (1 MiB) however JSON escapes them (12 bytes for a character outside
# the BMP): a request the document allows is never a 413. 60,000 characters of HTML is also well past what mail
# programs show unclipped (Gmail clips a message past 102 KB).
MAX_HTML = 60_000
MAX_TEXT = 20_000
LANGUAGES = ("en", "fr")
MERGE_FIELDS = ("first_name", "last_name", "full_name", "email", "sender_name")
MERGE_DOC = ("Merge fields: `{{ first_name }}`, `{{ last_name }}`, `{{ full_name }}`, `{{ email }}`, "
             "`{{ sender_name }}`; with a default: `{{ first_name | \"client\" }}`.")


class SubjectText(TrimmedString):
    """A trimmed subject line: CR or LF anywhere, even at the ends, is refused (it becomes a mail header)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and ("\r" in value or "\n" in value):
            raise ValidationError("header_line_break")
        return super()._deserialize(value, attr, data, **kwargs)


def _subject(**kwargs):
    return SubjectText(validate=validate.Length(max=MAX_SUBJECT), metadata={
        "description": "The subject, one line. " + MERGE_DOC, "example": "Des nouvelles, {{ first_name }}"},
        **kwargs)


def _html(**kwargs):
    return fields.String(validate=validate.Length(max=MAX_HTML), metadata={
        "description": "The HTML body, sanitised when saved (E-8: no script, no event handler, no javascript: "
                       "link). " + MERGE_DOC,
        "example": "<p>Bonjour {{ first_name | \"client\" }},</p>"}, **kwargs)


def _text(**kwargs):
    return fields.String(validate=validate.Length(max=MAX_TEXT), metadata={
        "description": "The plain-text body (made from the HTML when empty). " + MERGE_DOC,
        "example": "Bonjour {{ first_name | \"client\" }},"}, **kwargs)


class TemplateCreate(Contract):
    name = text(required=True, max_length=100, metadata={"example": "Infolettre de mai"})
    subject = _subject(load_default="")
    html = _html(load_default="")
    text = _text(load_default="")


class TemplateUpdate(Contract):
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1), metadata={
        "description": "The version read; a stale one is refused with 409 `version_conflict`."})
    name = text(max_length=100)
    subject = _subject()
    html = _html()
    text = _text()


class TemplateFromCampaign(Contract):
    name = text(max_length=100, metadata={
        "description": "The new template's name (the campaign's name when absent).", "example": "Relance"})


class PreviewQuery(Contract):
    language = fields.String(validate=validate.OneOf(LANGUAGES), metadata={
        "description": "One language (both, English then French, when absent)."})
    contact_id = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "Render with this contact's first name, last name and e-mail instead of the sample values "
                       "(a contact the caller sees: 404 otherwise)."})


class TemplateRead(Contract):
    id = fields.String(metadata={"description": "`builtin:<key>` for a built-in template."})
    name = fields.String()
    builtin = fields.Boolean(metadata={"description": "Built-in templates are read-only (409 "
                                                      "`template_builtin_read_only`)."})
    subject = fields.String()
    html = fields.String(metadata={"description": "Sanitised HTML."})
    text = fields.String()
    merge_fields = fields.List(fields.String(), metadata={"description": "The merge fields it uses."})
    language = fields.String(allow_none=True, metadata={
        "description": "For a built-in template, the language of the texts answered (the caller's)."})
    source_campaign_id = fields.String(allow_none=True, metadata={
        "description": "The sent e-mail it was made from."})
    created_by = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)


class Preview(Contract):
    language = fields.String()
    subject = fields.String()
    html = fields.String(metadata={"description": "Rendered and sanitised HTML, as it would be sent."})
    html_shown = fields.String(metadata={
        "description": "The same for showing inside the CRM (E-8): also without style attributes nor image "
                       "sources (the CRM's Content-Security-Policy refuses them)."})
    text = fields.String()


class TemplatePreview(Contract):
    template_id = fields.String()
    merge_values = fields.Dict(keys=fields.String(), values=fields.Dict(), metadata={
        "description": "The sample values used, by language."})
    previews = fields.List(fields.Nested(Preview))


class FileLinkCreate(Contract):
    document_id = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "A document of the file manager (C-21) the caller may read (404 otherwise)."})


class FileLinkRead(Contract):
    document_id = fields.String()
    name = fields.String(metadata={"description": "The file's name."})
    url = fields.String(metadata={"description": "The public link to put in an e-mail: it downloads the file, "
                                                 "without login, until `expires_at` (E-8)."})
    expires_at = fields.String(metadata={"description": "When the link stops working (UTC)."})
