"""Contacts and accounts: their writes, memberships and searches (docs/rules/contacts.md, docs/rules/http-api.md;
C-4, C-9, C-11, C-12), as ``/api/v1`` takes them and the contacts service loads them again."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.customization import custom_values_field
from carnet_contracts.values import page_field, per_page_field

LANGUAGE = validate.Regexp(r"^[a-z]{2}(-[A-Z]{2})?$", error="language_code")
STATUSES = ("active", "inactive")


def list_ids_field(**kwargs):
    """A record's lists: at least one (a record in no list is seen by nobody)."""
    return fields.List(identifier(), validate=validate.Length(min=1, max=100), **kwargs)


def record_fields():
    """The fields contacts and accounts share."""
    return {
        "email": fields.Email(allow_none=True, validate=validate.Length(max=254)),
        "phone": text(allow_none=True, max_length=50, metadata={"example": "514-222-3333 x444"}),
        "fax": text(allow_none=True, max_length=50),
        "website": text(allow_none=True, max_length=2000),
        "street": text(allow_none=True, max_length=300),
        "city": text(allow_none=True, max_length=100),
        "province": text(allow_none=True, max_length=100),
        "postal_code": text(allow_none=True, max_length=20),
        "country": text(allow_none=True, max_length=100),
        "rep1_id": identifier(allow_none=True, metadata={"description": "A user; defaults to the creator."}),
        "rep2_id": identifier(allow_none=True),
        "status": fields.String(validate=validate.OneOf(STATUSES)),
        "custom": custom_values_field(),
    }


def contact_fields():
    return {
        **record_fields(),
        "first_name": text(allow_none=True, max_length=100),
        "last_name": text(allow_none=True, max_length=100),
        "title": text(allow_none=True, max_length=200),
        "language": fields.String(allow_none=True, validate=LANGUAGE),
        "mobile": text(allow_none=True, max_length=50),
        "other_phone": text(allow_none=True, max_length=50),
        "subscribed": StrictBoolean(),
        "account_id": identifier(allow_none=True),
    }


class _NamedContact(Contract):
    @validates_schema
    def _has_a_name(self, data, partial=None, **kwargs):
        """A new contact has a first name, a last name or an email (what lists and the trash show as its name)."""
        if partial:
            return
        if not (data.get("first_name") or data.get("last_name") or data.get("email")):
            raise ValidationError("contact_name_required", "last_name")


def _version():
    return fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "The version read; a stale one is refused with 409 (optimistic concurrency)."})


ContactCreate = type("ContactCreate", (_NamedContact,), {
    "__module__": __name__, **contact_fields(), "list_ids": list_ids_field(required=True)})
AccountContactCreate = type("AccountContactCreate", (_NamedContact,), {
    "__module__": __name__, **{k: v for k, v in contact_fields().items() if k != "account_id"},
    "list_ids": list_ids_field(metadata={"description": "Defaults to the account's lists."})})
ContactUpdate = type("ContactUpdate", (Contract,), {"__module__": __name__, **contact_fields(), "version": _version()})

AccountCreate = type("AccountCreate", (Contract,), {
    "__module__": __name__, **record_fields(), "name": text(required=True, max_length=200),
    "list_ids": list_ids_field(required=True)})
AccountUpdate = type("AccountUpdate", (Contract,), {
    "__module__": __name__, **record_fields(), "name": text(max_length=200),
    "version": fields.Integer(validate=validate.Range(min=1))})


class ListIdsBody(Contract):
    """A record's lists, replaced as a whole."""
    list_ids = list_ids_field(required=True)


class RecordQuery(Contract):
    """A search of contacts or accounts (C-11, C-12, C-15)."""
    q = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Terms (all required) over first/last name, email and account name, accent- and "
                       "case-insensitive; prefixes t: p: c: a: e: id: r1: r2: s:; quote a value with spaces: "
                       'c:"trois rivieres". `s:` is the status (C-24): `s:active`, `s:inactive` or `s:all` (in '
                       "French `s:actif`, `s:inactif`, `s:tous`), another value a 422 on `q`. **Inactive records "
                       "are left out** of a search (its page, export and bulk selection) with neither an `s:` term "
                       "nor a `status` criterion, except for a role that may not read the status: it sees every "
                       "record (leaving some out would tell it), and `s:` is a 403 for it.",
        "example": "tremblay p:514222 c:montreal"})
    criteria = fields.String(validate=validate.Length(max=20_000), metadata={
        "description": 'Criteria JSON (C-12): groups {"op": "and"|"or", "items": [...]} and leaves '
                       '{"field", "cmp", "value"}. Fields and their comparisons: text fields (`first_name`, '
                       "`last_name`, `title`, `email`, `phone`, `city`, `name`…: eq ne contains starts_with empty "
                       "not_empty, accent- and case-insensitive); ids (`id`, `rep1_id`, `rep2_id`, `account_id`: eq "
                       "ne empty not_empty); `status` (C-24): `active` or `inactive`, eq ne, another value a 422 on "
                       "the leaf's value (a `status` criterion anywhere in the tree shows inactive records too); "
                       "`created_at`, `updated_at` against a date `YYYY-MM-DD` (eq ne before after empty not_empty): "
                       "**the organization's day, 00:00 to 24:00 in its time zone** (N-6), not UTC's; `subscribed`, "
                       "`is_primary` (true/false); `custom.<key>` by its type; on contacts `account.<field>` (the "
                       "account's, `account.status` included, of an account the caller sees); `list` (eq ne a list "
                       "id); `opportunity.stage_id`, `opportunity.total`, `task.type`, `task.status`, `task`. A field "
                       "the role may not read is a 403.",
        "example": '{"op": "and", "items": [{"field": "account.city", "cmp": "contains", "value": "mont"}, '
                   '{"field": "status", "cmp": "eq", "value": "inactive"}]}'})
    filter_id = identifier(metadata={"description": "One of the caller's saved filters of this module."})
    sort = fields.String(validate=validate.Length(min=1, max=80), metadata={
        "description": "A field, `-` first for descending (`-city`, `custom.<key>`); remembered per user and "
                       "module and used when absent (C-15).", "example": "-city"})
    page = page_field()
    per_page = per_page_field()
