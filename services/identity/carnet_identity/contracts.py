"""RPC contracts of the identity service (marshmallow). The gateway keeps its own copy for HTTP;
``tests/contract`` checks the two agree."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_identity import permissions
from carnet_identity.plans import PLANS

USERNAME = validate.Regexp(r"^[A-Za-z0-9._@+-]+$", error="username_chars")
LANGUAGES = ("fr", "en")


def username_field(**kwargs):
    return fields.String(validate=[validate.Length(min=3, max=150), USERNAME], **kwargs)


def password_field(**kwargs):
    return fields.String(validate=validate.Length(min=12, max=256, error="password_length"),
                         load_only=True, **kwargs)


class AdminCreate(Contract):
    username = username_field(required=True)
    password = password_field(required=True)
    full_name = text(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    language = fields.String(validate=validate.OneOf(LANGUAGES))


class OrganizationCreate(Contract):
    name = text(required=True)
    plan = fields.String(validate=validate.OneOf(list(PLANS)))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    admin = fields.Nested(AdminCreate, required=True)


class OrganizationUpdate(Contract):
    name = text()
    plan = fields.String(validate=validate.OneOf(list(PLANS)))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    timezone = fields.String(validate=validate.Length(min=1, max=64))
    logo_url = fields.Url(allow_none=True, schemes={"https", "http"}, validate=validate.Length(max=2000))
    street = text(allow_none=True)
    city = text(allow_none=True, max_length=100)
    province = text(allow_none=True, max_length=100)
    postal_code = text(allow_none=True, max_length=20)
    country = text(allow_none=True, max_length=100)
    phone = text(allow_none=True, max_length=50)
    website = fields.Url(allow_none=True, validate=validate.Length(max=2000))
    sender_name = text(allow_none=True)
    legal_text = text(allow_none=True, max_length=5000)


class UserCreate(Contract):
    username = username_field(required=True)
    password = password_field(required=True)
    full_name = text(required=True)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    active = StrictBoolean()
    is_admin = StrictBoolean()
    role_id = identifier(allow_none=True)
    manager_id = identifier(allow_none=True)
    all_contacts = StrictBoolean()
    hierarchy_contacts = StrictBoolean()
    own_records_only = StrictBoolean()


class UserUpdate(UserCreate):
    username = username_field()
    password = password_field()
    full_name = text()
    email = fields.Email(validate=validate.Length(max=254))


class RoleCreate(Contract):
    name = text(required=True, max_length=100)


class RoleUpdate(Contract):
    name = text(required=True, max_length=100)


def _actions_schema(allowed):
    return type("Actions", (Contract,), {a: StrictBoolean() for a in allowed})


class PermissionsSet(Contract):
    modules = fields.Dict(keys=fields.String(validate=validate.OneOf(permissions.MODULES)),
                          values=fields.Nested(_actions_schema(permissions.MODULE_ACTIONS)))
    fields_ = fields.Dict(data_key="fields",
                          keys=fields.String(validate=validate.Regexp(permissions.FIELD_KEY_PATTERN,
                                                                      error="field_key")),
                          values=fields.Nested(_actions_schema(permissions.FIELD_ACTIONS)))
    special = fields.Nested(type("Special", (Contract,), {
        name: fields.Nested(_actions_schema(actions)) for name, actions in permissions.SPECIAL.items()}))

    @validates_schema
    def _not_too_many_fields(self, data, **kwargs):
        if len(data.get("fields_") or {}) > 1000:
            raise ValidationError("too_many_entries", "fields")


class Actor(Contract):
    """Who is calling, as the gateway verified it (passed explicitly to every org-scoped RPC)."""
    org_id = fields.String(required=True)
    user_id = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    request_id = fields.String(allow_none=True)


class ListQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    q = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()
