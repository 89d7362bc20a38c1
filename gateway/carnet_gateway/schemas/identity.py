"""HTTP contracts for organizations, sessions, users, roles and permissions (docs/rules/http-api.md).

The identity service validates again with its own copy (``carnet_identity/contracts.py``);
``tests/contract/test_identity_contracts.py`` checks both accept the same fields.
"""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_gateway.schemas import page_of

MODULES = ("contacts", "accounts", "opportunities", "tasks", "emails", "forms", "documents",
           "automations", "settings", "dashboard")
MODULE_ACTIONS = ("read", "write", "delete", "export")
FIELD_ACTIONS = ("read", "write")
SPECIAL = {"primary_contact": ("read", "write"), "primary_contact_acomba": ("write",),
           "primary_contact_quickbooks": ("write",)}
PLANS = ("solo", "collaborator", "team", "growth", "professional", "integral")
LANGUAGES = ("fr", "en")
FIELD_KEY = r"^(contacts|accounts|opportunities|tasks)\.(custom\.)?[a-z][a-z0-9_]{0,62}$"


def username_field(**kwargs):
    return fields.String(validate=[validate.Length(min=3, max=150),
                                   validate.Regexp(r"^[A-Za-z0-9._@+-]+$", error="username_chars")],
                         metadata={"example": "marie.tremblay"}, **kwargs)


def password_field(**kwargs):
    return fields.String(validate=validate.Length(min=12, max=256, error="password_length"), load_only=True,
                         metadata={"description": "At least 12 characters. Write-only."}, **kwargs)


def email_field(**kwargs):
    return fields.Email(validate=validate.Length(max=254), **kwargs)


# Organizations ---------------------------------------------------------------------------------

class AdminCreate(Contract):
    username = username_field(required=True)
    password = password_field(required=True)
    full_name = text(required=True)
    email = email_field(required=True)
    language = fields.String(validate=validate.OneOf(LANGUAGES))


class OrganizationCreate(Contract):
    name = text(required=True, metadata={"example": "Les Entreprises Gagnon inc."})
    plan = fields.String(validate=validate.OneOf(PLANS))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    admin = fields.Nested(AdminCreate, required=True)


class PlanLimits(Contract):
    plan = fields.String()
    seats = fields.Integer(allow_none=True)
    storage_gb_per_user = fields.Integer()
    emails = fields.Boolean()


class OrganizationUpdate(Contract):
    name = text()
    plan = fields.String(validate=validate.OneOf(PLANS))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    timezone = fields.String(validate=validate.Length(min=1, max=64),
                             metadata={"example": "America/Toronto"})
    logo_url = fields.Url(allow_none=True, schemes={"https", "http"}, validate=validate.Length(max=2000))
    street = text(allow_none=True)
    city = text(allow_none=True, max_length=100)
    province = text(allow_none=True, max_length=100)
    postal_code = text(allow_none=True, max_length=20)
    country = text(allow_none=True, max_length=100)
    phone = text(allow_none=True, max_length=50)
    website = fields.Url(allow_none=True, validate=validate.Length(max=2000))
    sender_name = text(allow_none=True, metadata={"description": "Unsubscribe page sender (E-7); "
                                                                 "defaults to the organization's name."})
    legal_text = text(allow_none=True, max_length=5000)


class OrganizationRead(OrganizationUpdate):
    id = fields.String()
    limits = fields.Nested(PlanLimits)
    created_at = fields.String()
    updated_at = fields.String()


# Users -----------------------------------------------------------------------------------------

class UserFlags(Contract):
    all_contacts = StrictBoolean(metadata={"description": "S-4: sees every contact, not only as rep 1/2."})
    hierarchy_contacts = StrictBoolean(metadata={"description": "S-4: also sees the contacts of users "
                                                                "below in the hierarchy (S-5)."})
    own_records_only = StrictBoolean(metadata={"description": "S-4: own records only in dashboards, "
                                                              "tasks and opportunities."})


class UserCreate(UserFlags):
    username = username_field(required=True)
    password = password_field(required=True)
    full_name = text(required=True)
    email = email_field(required=True)
    language = fields.String(allow_none=True, validate=validate.OneOf(LANGUAGES))
    active = StrictBoolean()
    is_admin = StrictBoolean()
    role_id = identifier(allow_none=True)
    manager_id = identifier(allow_none=True, metadata={"description": "S-5: the user's manager."})


class UserUpdate(UserCreate):
    username = username_field()
    password = password_field()
    full_name = text()
    email = email_field()


class UserRead(UserCreate):
    id = fields.String()
    org_id = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


UserPage = page_of(UserRead, "UserPage")


class SignUpRead(Contract):
    organization = fields.Nested(OrganizationRead, required=True)
    user = fields.Nested(UserRead, required=True)


class UserQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    q = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()


# Sessions --------------------------------------------------------------------------------------

class LoginRequest(Contract):
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class LoginResponse(Contract):
    token = fields.String(required=True, metadata={"description": "Send as `Authorization: Bearer <token>`."})
    expires_at = fields.String(required=True)
    user = fields.Nested(UserRead, required=True)


# Roles and permissions -------------------------------------------------------------------------

class RoleWrite(Contract):
    name = text(required=True, max_length=100)


class RoleRead(RoleWrite):
    id = fields.String()
    user_count = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


def _actions(name, allowed):
    return type(name, (Contract,), {a: StrictBoolean() for a in allowed})


ModuleActions = _actions("ModuleActions", MODULE_ACTIONS)
FieldActions = _actions("FieldActions", FIELD_ACTIONS)
SpecialPermissions = type("SpecialPermissions", (Contract,), {
    name: fields.Nested(_actions(f"Special_{name}", actions)) for name, actions in SPECIAL.items()})


class Permissions(Contract):
    modules = fields.Dict(keys=fields.String(validate=validate.OneOf(MODULES)),
                          values=fields.Nested(ModuleActions))
    fields_ = fields.Dict(data_key="fields", attribute="fields",
                          keys=fields.String(validate=validate.Regexp(FIELD_KEY, error="field_key")),
                          values=fields.Nested(FieldActions),
                          metadata={"description": "`module.field` or `module.custom.key` → read/write. "
                                                   "A field without an entry follows its module."})
    special = fields.Nested(SpecialPermissions)


class Me(Contract):
    user = fields.Nested(UserRead, required=True)
    organization = fields.Dict(required=True)
    role = fields.Nested(RoleRead, allow_none=True)
    is_admin = fields.Boolean(required=True)
    permissions = fields.Nested(Permissions, required=True)
    flags = fields.Nested(UserFlags, required=True)
    subordinate_ids = fields.List(fields.String(), required=True)
    selected_list_ids = fields.List(fields.String(), allow_none=True, metadata={
        "description": "The caller's active lists (L-2); null while the contacts service is unavailable."})


class AuditEntry(Contract):
    event_id = fields.String()
    event_type = fields.String()
    actor_id = fields.String(allow_none=True)
    subject_id = fields.String(allow_none=True)
    details = fields.Dict()
    occurred_at = fields.String()


AuditPage = page_of(AuditEntry, "AuditPage")


class PageQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
