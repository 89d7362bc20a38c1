"""Forms (F-1…F-5): what ``/api/v1/forms`` takes, which the forms service loads again, and what it answers.

A form's ``draft`` is a definition (/work/notes design, ``carnet_forms/definition.py`` checks it): every key may be
absent while it is a draft (F-1: saved incomplete); publishing checks completeness (409 ``form_not_publishable``
naming ``draft.<path>``). Field names are a contact's standard fields or ``custom.<key>`` of the organization's
custom fields of module contacts (an unknown key: 422 naming it), as ``GET /forms/fields`` lists them."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, StrictBoolean, text
from carnet_contracts.values import DateText

LANGUAGES = ("fr", "en")
FORM_LANGUAGES = ("fr", "en", "both")
STATUSES = ("draft", "published", "unpublished")
SUBMISSION_STATUSES = ("accepted", "quarantined", "discarded")
CHANNELS = ("embed", "html", "webhook")
FIELD_TYPES = ("text", "email", "phone", "textarea", "number", "decimal", "date", "boolean", "select", "multi")
CAPTCHA_PROVIDERS = ("none", "turnstile", "hcaptcha")
# The contact's own fields a visitor may fill (C-4: only fields a contact has; never reps, lists or status).
STANDARD_FIELDS = ("email", "first_name", "last_name", "title", "phone", "mobile", "other_phone", "fax", "website",
                   "street", "city", "province", "postal_code", "country", "language")
FIELD_NAME = r"^(?:" + "|".join(STANDARD_FIELDS) + r"|custom\.[a-z][a-z0-9_]{0,62})$"
# The type each standard field has (a form shows ``language`` as a choice of fr or en).
STANDARD_TYPES = {"email": "email", "phone": "phone", "mobile": "phone", "other_phone": "phone", "fax": "phone",
                  "language": "select"}
LANGUAGE_OPTIONS = ("fr", "en")
CHOICE_TYPES = ("select", "multi")
# scheme://host[:port], the host's labels of letters, digits, dots and hyphens, a port of 1 to 65535.
ORIGIN = (r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
          r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?$")
MAX_FIELDS = 60
MAX_OPTIONS = 200
MAX_ORIGINS = 50
MAX_PAGE = 200


_LOCALIZED = {}


def _localized(max_length, description):
    """``{fr, en}``: the text in each language the form shows (either may be absent or empty in a draft); one
    schema per length (one component of the OpenAPI document each)."""
    if max_length not in _LOCALIZED:
        _LOCALIZED[max_length] = type(f"Text{max_length}", (Contract,), {
            "__module__": __name__,
            "__doc__": f"A text in French and in English, each of at most {max_length} characters.",
            "fr": text(min_length=0, max_length=max_length, metadata={"example": "Bonjour"}),
            "en": text(min_length=0, max_length=max_length, metadata={"example": "Hello"}),
        })
    return fields.Nested(_LOCALIZED[max_length], metadata={"description": description})


def _type_of(name):
    return STANDARD_TYPES.get(name, "text")


def _field_rules():
    """What the service checks across a field's keys (``carnet_forms.definition``), in JSON Schema words for the
    OpenAPI document: a standard field has its own type (``GET /forms/fields``); only choice fields have options,
    ``language``'s among fr and en. (A custom field's type and options are its definition's: 422 otherwise.)"""
    rules = []
    for kind in sorted({_type_of(name) for name in STANDARD_FIELDS}):
        names = [name for name in STANDARD_FIELDS if _type_of(name) == kind]
        then = {"properties": {"type": {"const": kind}}}
        if kind in CHOICE_TYPES:
            then["properties"]["options"] = {"items": {"enum": list(LANGUAGE_OPTIONS)}}
        else:
            then["not"] = {"required": ["options"]}
        rules.append({"if": {"required": ["name"], "properties": {"name": {"enum": names}}}, "then": then})
    rules.append({"if": {"required": ["type"], "properties": {"type": {"not": {"enum": list(CHOICE_TYPES)}}}},
                  "then": {"not": {"required": ["options"]}}})
    return {"allOf": rules}


class FormField(Contract):
    name = fields.String(required=True, validate=validate.Regexp(FIELD_NAME), metadata={
        "description": "A standard field of a contact or `custom.<key>` (one of `GET /forms/fields`); `email` is "
                       "always in a publishable form, required.", "example": "first_name"})
    type = fields.String(validate=validate.OneOf(FIELD_TYPES), metadata={
        "description": "The field's type as the catalogue gives it (taken from it when absent)."})
    required = StrictBoolean(metadata={"description": "The visitor must fill it (default false)."})
    label = _localized(200, "The label shown, per language of the form.")
    options = fields.List(text(max_length=200), validate=validate.Length(max=MAX_OPTIONS), metadata={
        "description": "select and multi: the choices offered (the custom field's choices)."})


class ThankYou(Contract):
    url = fields.Url(allow_none=True, schemes={"https"}, validate=validate.Length(max=2000), metadata={
        "description": "Where the visitor goes after submitting (else the message is shown)."})
    message = _localized(2000, "Shown after submitting when there is no URL.")


class Consent(Contract):
    enabled = StrictBoolean(metadata={"description": "A consent checkbox, never pre-ticked (E-11)."})
    text = _localized(2000, "The checkbox's text, kept as the proof of consent in the language shown.")


class FormTask(Contract):
    enabled = StrictBoolean()
    rep_user_id = text(max_length=64, allow_none=True, metadata={
        "description": "The user who gets a task per accepted submission: an active user of the organization "
                       "(422 `unknown_user` / `user_inactive` naming `draft.task.rep_user_id`)."})
    title = _localized(200, "The task's title.")
    due_in_days = fields.Integer(validate=validate.Range(min=0, max=365))


class Captcha(Contract):
    provider = fields.String(validate=validate.OneOf(CAPTCHA_PROVIDERS))


class Definition(Contract):
    """A form's definition (F-1); any part may be absent in a draft."""
    language = fields.String(validate=validate.OneOf(FORM_LANGUAGES), metadata={
        "description": "`both`: each visitor gets the form in their browser's language (fr or en)."})
    title = _localized(200, "The form's title.")
    intro = _localized(2000, "A paragraph above the fields.")
    submit_label = _localized(100, "The button's text.")
    fields_ = fields.List(fields.Nested(FormField, metadata={"anyOf": [_field_rules()]}),
                          validate=validate.Length(max=MAX_FIELDS), data_key="fields", attribute="fields", metadata={
        "description": "The fields in their order; a name at most once (422 `duplicate_field`)."})
    list_id = text(max_length=64, allow_none=True, metadata={
        "description": "The list contacts are added to (a list of the organization: 422 otherwise); needed to "
                       "publish."})
    rep_user_id = text(max_length=64, allow_none=True, metadata={
        "description": "The rep (rep 1) of the contacts the form creates, so that users who see only their own "
                       "contacts see them (S-4); an existing contact keeps its reps. An active user of the "
                       "organization (422 `unknown_user` / `user_inactive` naming `draft.rep_user_id`); null: none "
                       "(only users who see all contacts see the new ones)."})
    thank_you = fields.Nested(ThankYou)
    allowed_origins = fields.List(fields.String(validate=validate.Regexp(ORIGIN)),
                                  validate=validate.Length(max=MAX_ORIGINS), metadata={
        "description": "Sites that may embed the form (`scheme://host[:port]`); empty: any (F-4).",
        "example": ["https://www.example.com"]})
    consent = fields.Nested(Consent)
    double_opt_in = StrictBoolean(metadata={"description": "Send a confirmation e-mail before express consent."})
    task = fields.Nested(FormTask)
    captcha = fields.Nested(Captcha)
    min_fill_seconds = fields.Integer(validate=validate.Range(min=0, max=600), metadata={
        "description": "A submission sooner than this after the form was shown is quarantined (`too_fast`)."})


class FormCreate(Contract):
    name = text(required=True, max_length=200, metadata={"example": "Infolettre"})
    draft = fields.Nested(Definition)


class FormUpdate(Contract):
    name = text(max_length=200)
    draft = fields.Nested(Definition, metadata={"description": "The whole draft, replacing the previous one."})


class SubmissionQuery(Contract):
    status = fields.String(validate=validate.OneOf(SUBMISSION_STATUSES))
    cursor = fields.String(validate=validate.Length(min=1, max=500), metadata={
        "description": "The `next_cursor` of the previous page, as it was (422 `invalid_cursor` otherwise)."})
    limit = fields.Integer(validate=validate.Range(min=1, max=MAX_PAGE), metadata={"description": "Default 50."})


# ``from`` is a Python keyword: the class is made by ``type`` so that its field is named as its query parameter.
StatsQuery = type("StatsQuery", (Contract,), {
    "__module__": __name__,
    "__doc__": "The days a form's statistics count.",
    "from": DateText(metadata={
        "description": "The first day counted (the organization's time zone; default: 29 days before `to`); not "
                       "after `to`, at most 366 days before it (422 `after_to`, `range_too_long`)."}),
    "to": DateText(metadata={"description": "The last day counted (default: today)."}),
})


class FormStats(Contract):
    views = fields.Integer()
    submissions = fields.Integer()
    quarantined = fields.Integer()


class FormSummary(Contract):
    id = fields.String()
    key = fields.String(metadata={"description": "The public key the embed snippet names; it never changes."})
    name = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    current_version = fields.Integer(allow_none=True)
    updated_at = fields.String()
    stats = fields.Nested(FormStats)


class FormRead(Contract):
    id = fields.String()
    key = fields.String(metadata={"description": "The public key the embed snippet names; it never changes."})
    name = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    current_version = fields.Integer(allow_none=True, metadata={"description": "The version the public side "
                                                                               "serves (none before publishing)."})
    draft = fields.Nested(Definition)
    webhook_secret = fields.String(allow_none=True, metadata={
        "description": "The HMAC key of `POST /f/<key>/webhook` (null for a caller without the forms write "
                       "permission)."})
    created_at = fields.String()
    updated_at = fields.String()
    published_at = fields.String(allow_none=True)


class VersionSummary(Contract):
    number = fields.Integer()
    published_at = fields.String()
    published_by = fields.String(allow_none=True)


class VersionRead(VersionSummary):
    definition = fields.Nested(Definition)


class CatalogField(Contract):
    name = fields.String(metadata={"example": "custom.secteur"})
    type = fields.String(metadata={"enum": list(FIELD_TYPES)})
    label = _localized(200, "The field's name in each language.")
    options = fields.List(fields.String(), metadata={"description": "select and multi: the choices."})
    custom = fields.Boolean()


class Reason(Contract):
    code = fields.String(metadata={"description": "Why it was quarantined (F-4): honeypot, too_fast, "
                                                  "token_missing, token_invalid, token_reused, token_expired, "
                                                  "origin_not_allowed, captcha_failed, captcha_missing, "
                                                  "captcha_unavailable, too_many_links, charset_mismatch, "
                                                  "unknown_fields."})
    detail = fields.Raw(allow_none=True)


class SubmissionMeta(Contract):
    page_url = fields.String(allow_none=True)
    origin = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    language = fields.String(allow_none=True)


class SubmissionRead(Contract):
    id = fields.String()
    received_at = fields.String()
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    status = fields.String(metadata={"enum": list(SUBMISSION_STATUSES)})
    reasons = fields.List(fields.Nested(Reason))
    data = fields.Dict(keys=fields.String(), metadata={
        "description": "The values submitted by field name (`email`, `custom.<key>`…), typed as the contact takes "
                       "them; only the contact fields the caller may read (S-3: never more than the contact's GET)."})
    meta = fields.Nested(SubmissionMeta)
    contact_id = fields.String(allow_none=True)
    applied_at = fields.String(allow_none=True)
    consent = fields.Raw(allow_none=True, metadata={"description": "The consent checkbox as submitted."})


class SubmissionPage(Contract):
    items = fields.List(fields.Nested(SubmissionRead))
    next_cursor = fields.String(allow_none=True)


class StatsDay(Contract):
    day = fields.String()
    views = fields.Integer()
    submissions = fields.Integer()


class StatsRead(Contract):
    views = fields.Integer()
    submissions = fields.Integer()
    accepted = fields.Integer()
    quarantined = fields.Integer()
    discarded = fields.Integer()
    conversion = fields.Float(metadata={"description": "submissions / views (0 without a view)."})
    by_day = fields.List(fields.Nested(StatsDay))


class EmbedRead(Contract):
    script_url = fields.String()
    snippet_html = fields.String(metadata={"description": "Paste it where the form goes; it names only the form's "
                                                          "key, so it never changes (F-2)."})
    post_url = fields.String(metadata={"description": "A hand-written HTML form posts here."})
    webhook_url = fields.String(metadata={"description": "A signed JSON post (X-Carnet-Signature)."})
