"""HTTP contracts for lists, contacts and accounts (docs/rules/contacts.md, docs/rules/http-api.md).

The contacts service validates again with its own copy (``carnet_contacts/contracts.py``); both accept
the same fields with the same rules.
"""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_gateway.schemas import page_of

LANGUAGE = validate.Regexp(r"^[a-z]{2}(-[A-Z]{2})?$", error="language_code")
STATUSES = ("active", "inactive")
# Fields every reader gets whatever the role's field permissions (S-3 hides data fields only).
ALWAYS_READABLE = ("id", "version", "list_ids", "created_at", "updated_at")


def list_ids_field(**kwargs):
    return fields.List(identifier(), validate=validate.Length(min=1, max=100), **kwargs)


def custom_values_field():
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=63)), values=fields.Raw(allow_none=True),
                       validate=validate.Length(max=70), metadata={
                           "description": "Custom field values by key (C-14), typed as the field: text, integer, "
                                          'decimal string ("43.98"), date YYYY-MM-DD, boolean, a choice, a list '
                                          "of choices; null clears a value.", "example": {"secteur": "Bois"}})


def _record_fields():
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


def _contact_fields():
    return {
        **_record_fields(),
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
        if partial:
            return
        if not (data.get("first_name") or data.get("last_name") or data.get("email")):
            raise ValidationError("contact_name_required", "last_name")


def _read_fields(write_fields):
    dumped = dict(write_fields)
    dumped.update(id=fields.String(), list_ids=fields.List(fields.String()), version=fields.Integer(),
                  custom=fields.Dict(), created_at=fields.String(), updated_at=fields.String())
    return dumped


ContactCreate = type("ContactCreate", (_NamedContact,), {**_contact_fields(),
                                                        "list_ids": list_ids_field(required=True)})
AccountContactCreate = type("AccountContactCreate", (_NamedContact,), {
    **{k: v for k, v in _contact_fields().items() if k != "account_id"},
    "list_ids": list_ids_field(metadata={"description": "Defaults to the account's lists."})})
ContactUpdate = type("ContactUpdate", (Contract,), {
    **_contact_fields(),
    "version": fields.Integer(validate=validate.Range(min=1), metadata={
        "description": "The version read; a stale one is refused with 409 (optimistic concurrency)."})})
ContactRead = type("ContactRead", (Contract,), {
    **_read_fields(_contact_fields()), "account_name": fields.String(allow_none=True),
    "is_primary": fields.Boolean()})


def _page(item_schema, name):
    return type(name, (page_of(item_schema, name + "Base"),), {"total_capped": fields.Boolean(metadata={
        "description": "True when more than 10,000 records match: `total` is then the planner's estimate."})})


ContactPage = _page(ContactRead, "ContactPage")

AccountCreate = type("AccountCreate", (Contract,), {
    **_record_fields(), "name": text(required=True, max_length=200), "list_ids": list_ids_field(required=True)})
AccountUpdate = type("AccountUpdate", (Contract,), {
    **_record_fields(), "name": text(max_length=200), "version": fields.Integer(validate=validate.Range(min=1))})
AccountRead = type("AccountRead", (Contract,), {**_read_fields(_record_fields()), "name": fields.String()})
AccountPage = _page(AccountRead, "AccountPage")


class RecordQuery(Contract):
    q = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Terms (all required) over first/last name, email and account name, accent- and "
                       "case-insensitive; prefixes t: p: c: a: e: id:; quote a value with spaces: "
                       'c:"trois rivieres".', "example": "tremblay p:514222 c:montreal"})
    criteria = fields.String(validate=validate.Length(max=20_000), metadata={
        "description": 'Criteria JSON (C-12): groups {"op": "and"|"or", "items": [...]} and leaves '
                       '{"field", "cmp", "value"}; fields of the record, account.<field>, custom.<key>, list.',
        "example": '{"op": "and", "items": [{"field": "account.city", "cmp": "contains", "value": "mont"}]}'})
    filter_id = identifier(metadata={"description": "One of the caller's saved filters of this module."})
    sort = fields.String(validate=validate.Length(min=1, max=80), metadata={
        "description": "A field, `-` first for descending (`-city`, `custom.<key>`); remembered per user and "
                       "module and used when absent (C-15).", "example": "-city"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ListIdsBody(Contract):
    list_ids = list_ids_field(required=True)


class SelectedListsBody(Contract):
    list_ids = fields.List(identifier(), required=True, validate=validate.Length(max=1000))


class ListCreate(Contract):
    name = text(required=True, max_length=100, metadata={"example": "Clients Montréal"})
    access_all_users = StrictBoolean()
    private = StrictBoolean(metadata={"description": "Only its creator sees it; never made public again."})

    @validates_schema
    def _private_is_not_shared(self, data, **kwargs):
        if data.get("private") and data.get("access_all_users"):
            raise ValidationError("private_list_not_shared", "access_all_users")


class ListUpdate(ListCreate):
    name = text(max_length=100)


class ListRead(Contract):
    id = fields.String()
    name = fields.String()
    access_all_users = fields.Boolean()
    private = fields.Boolean()
    created_by = fields.String()
    selected = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


class GrantsBody(Contract):
    user_ids = fields.List(identifier(), required=True, validate=validate.Length(max=1000))


class HistoryEntry(Contract):
    id = fields.String()
    at = fields.String()
    user_id = fields.String(allow_none=True)
    field = fields.String(metadata={"description": "A field name, or created / deleted / list_ids."})
    old = fields.Raw(allow_none=True)
    new = fields.Raw(allow_none=True)
