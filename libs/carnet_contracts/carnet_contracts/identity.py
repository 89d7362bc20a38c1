"""Organizations, users, roles and permissions (docs/rules/http-api.md, S-3..S-7): what ``/api/v1`` takes and
the identity service loads again."""
import zoneinfo

from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.values import PageQuery

# The permission vocabulary (S-3); identity's permissions.py evaluates documents written in it.
MODULES = ("contacts", "accounts", "opportunities", "tasks", "emails", "forms", "documents",
           "automations", "settings", "dashboard")
MODULE_ACTIONS = ("read", "write", "delete", "export")
FIELD_ACTIONS = ("read", "write")
SPECIAL = {"primary_contact": ("read", "write"), "primary_contact_acomba": ("write",),
           "primary_contact_quickbooks": ("write",)}
FIELD_KEY = r"^(contacts|accounts|opportunities|tasks)\.(custom\.)?[a-z][a-z0-9_]{0,62}$"
MAX_FIELD_ENTRIES = 1000
MAX_USER_IDS = 1000   # the user ids one request may name (``lists.GrantsBody``)
# S-7: the plans by name (their limits are identity's plans.py).
PLANS = ("solo", "collaborator", "team", "growth", "professional", "integral")
LANGUAGES = ("fr", "en")
# The IANA zones the time zone database knows (N-6): the document lists them (issue 10 §5).
TIME_ZONES = tuple(sorted(zoneinfo.available_timezones()))


def username_field(**kwargs):
    return fields.String(validate=[validate.Length(min=3, max=150),
                                   validate.Regexp(r"^[A-Za-z0-9._@+-]+$", error="username_chars")],
                         metadata={"example": "marie.tremblay"}, **kwargs)


def password_field(**kwargs):
    return fields.String(validate=validate.Length(min=12, max=256, error="password_length"), load_only=True,
                         metadata={"description": "At least 12 characters. Write-only."}, **kwargs)


def email_field(**kwargs):
    return fields.Email(validate=validate.Length(max=254), **kwargs)


def current_password_field(**kwargs):
    """The caller's own password, asked again before a credential changes (S-10): a stolen token alone cannot
    lock the owner out."""
    return fields.String(validate=validate.Length(min=1, max=256), load_only=True, metadata={
        "description": "The caller's current password. Write-only."}, **kwargs)


# Organizations ---------------------------------------------------------------------------------

class AdminCreate(Contract):
    username = username_field(required=True)
    password = password_field(required=True)
    full_name = text(required=True)
    email = email_field(required=True)
    language = fields.String(validate=validate.OneOf(LANGUAGES))


class OrganizationCreate(Contract):
    name = text(required=True, metadata={"example": "Les Entreprises Gagnon inc."})
    plan = fields.String(validate=validate.OneOf(PLANS), metadata={
        "description": "S-7: only the default plan (team), or one the operator offers at sign-up (SIGNUP_PLANS); "
                       "403 `plan_not_offered` otherwise."})
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    admin = fields.Nested(AdminCreate, required=True)


class OrganizationUpdate(Contract):
    name = text()
    plan = fields.String(validate=validate.OneOf(PLANS), metadata={
        "description": "S-7: read-only for clients (403 `plan_change_not_allowed` unless unchanged); the operator "
                       "changes it (`python -m carnet_identity.operator set-plan`)."})
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    timezone = fields.String(validate=validate.OneOf(TIME_ZONES, error="unknown_timezone"),
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
    require_totp = StrictBoolean(metadata={"description": "S-10: every user needs a second factor; one without "
                                                          "enrols at their next login."})


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
    """A body changing ``username``, ``email`` or ``password`` also carries the caller's ``current_password``
    (their own, also when an administrator changes another user's)."""
    username = username_field()
    password = password_field()
    full_name = text()
    email = email_field()
    current_password = current_password_field()


class UserQuery(PageQuery):
    """Users; the audit journal takes the same query (its ``q`` and ``active`` filter nothing there)."""
    q = fields.String(validate=validate.Length(max=200))
    active = fields.Boolean()


# Second factor (S-10) ---------------------------------------------------------------------------

class UserIds(Contract):
    """Users a write names (a record's reps, a task's assignee, a list's grantees), asked of identity by the
    gateway (issue 10 §2): at most as many as a list grant takes."""
    user_ids = fields.List(identifier(), required=True, validate=validate.Length(max=MAX_USER_IDS))


class PasswordConfirmation(Contract):
    """Enrolling, turning off or resetting a second factor, new recovery codes: the caller's password again."""
    current_password = current_password_field(required=True)


class TotpCode(Contract):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "example": "492039", "description": "The 6 digits the authenticator app shows."})


class LoginSecondFactor(Contract):
    challenge = fields.String(required=True, validate=validate.Length(min=1, max=128), metadata={
        "description": "The `challenge` the first step answered."})
    code = fields.String(required=True, validate=validate.Length(min=1, max=64), metadata={
        "description": "The 6 digits of the authenticator app, or one unused recovery code."})


# Roles and permissions -------------------------------------------------------------------------

class RoleWrite(Contract):
    name = text(required=True, max_length=100)


def _actions(name, allowed):
    return type(name, (Contract,), {"__module__": __name__, **{a: StrictBoolean() for a in allowed}})


ModuleActions = _actions("ModuleActions", MODULE_ACTIONS)
FieldActions = _actions("FieldActions", FIELD_ACTIONS)
SpecialPermissions = type("SpecialPermissions", (Contract,), {"__module__": __name__, **{
    name: fields.Nested(_actions(f"Special_{name}", actions)) for name, actions in SPECIAL.items()}})


class Permissions(Contract):
    """A role's permission document (S-3), as written and as read back."""
    modules = fields.Dict(keys=fields.String(validate=validate.OneOf(MODULES)),
                          values=fields.Nested(ModuleActions))
    fields_ = fields.Dict(data_key="fields", attribute="fields",
                          keys=fields.String(validate=validate.Regexp(FIELD_KEY, error="field_key")),
                          values=fields.Nested(FieldActions),
                          metadata={"description": "`module.field` or `module.custom.key` → read/write. "
                                                   "A field without an entry follows its module."})
    special = fields.Nested(SpecialPermissions)

    @validates_schema
    def _not_too_many_fields(self, data, **kwargs):
        if len(data.get("fields") or {}) > MAX_FIELD_ENTRIES:
            raise ValidationError("too_many_entries", "fields")
