"""RPC contracts of contacts and accounts: their writes, memberships and searches (docs/rules/http-api.md; C-4,
C-9, C-11, C-12). The gateway keeps its own copy for HTTP (``carnet_gateway/schemas/contacts.py``); tests/contract
checks both accept the same fields."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text

LANGUAGE = validate.Regexp(r"^[a-z]{2}(-[A-Z]{2})?$", error="language_code")
STATUSES = ("active", "inactive")


def list_ids_field(**kwargs):
    return fields.List(identifier(), validate=validate.Length(min=1, max=100), **kwargs)


def custom_values_field():
    """``{key: value}`` of custom fields (C-14); checked against the organization's fields in use cases."""
    return fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=63)), values=fields.Raw(allow_none=True),
                       validate=validate.Length(max=70))


def _record_fields():
    """Fields contacts and accounts share (docs/rules/http-api.md)."""
    return {
        "email": fields.Email(allow_none=True, validate=validate.Length(max=254)),
        "phone": text(allow_none=True, max_length=50),
        "fax": text(allow_none=True, max_length=50),
        "website": text(allow_none=True, max_length=2000),
        "street": text(allow_none=True, max_length=300),
        "city": text(allow_none=True, max_length=100),
        "province": text(allow_none=True, max_length=100),
        "postal_code": text(allow_none=True, max_length=20),
        "country": text(allow_none=True, max_length=100),
        "rep1_id": identifier(allow_none=True),
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


ContactCreate = type("ContactCreate", (_NamedContact,), {**_contact_fields(),
                                                        "list_ids": list_ids_field(required=True)})
AccountContactCreate = type("AccountContactCreate", (_NamedContact,),
                            {**{k: v for k, v in _contact_fields().items() if k != "account_id"},
                             "list_ids": list_ids_field()})
ContactUpdate = type("ContactUpdate", (Contract,), {
    **_contact_fields(), "version": fields.Integer(validate=validate.Range(min=1))})

AccountCreate = type("AccountCreate", (Contract,), {
    **_record_fields(), "name": text(required=True, max_length=200), "list_ids": list_ids_field(required=True)})
AccountUpdate = type("AccountUpdate", (Contract,), {
    **_record_fields(), "name": text(max_length=200), "version": fields.Integer(validate=validate.Range(min=1))})


class ListIds(Contract):
    """A record's lists: at least one (a record in no list is seen by nobody)."""
    list_ids = list_ids_field(required=True)


class SearchQuery(Contract):
    q = fields.String(validate=validate.Length(max=500))
    criteria = fields.String(validate=validate.Length(max=20_000))
    filter_id = identifier()
    sort = fields.String(validate=validate.Length(min=1, max=80))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
