"""HTTP shapes of organizations, sessions, users, roles and permissions (docs/rules/http-api.md): what the gateway
answers, and the login it handles. The bodies and queries routes load and forward are
``carnet_contracts.identity``'s, the contracts the identity service loads again."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts.identity import AdminCreate as AdminCreate
from carnet_contracts.identity import OrganizationCreate as OrganizationCreate
from carnet_contracts.identity import OrganizationUpdate as OrganizationUpdate
from carnet_contracts.identity import Permissions as Permissions
from carnet_contracts.identity import RoleWrite as RoleWrite
from carnet_contracts.identity import UserCreate as UserCreate
from carnet_contracts.identity import UserFlags as UserFlags
from carnet_contracts.identity import UserQuery as UserQuery
from carnet_contracts.identity import UserUpdate as UserUpdate
from carnet_contracts.values import PageQuery as PageQuery
from carnet_gateway.schemas import page_of

# Organizations ---------------------------------------------------------------------------------

class PlanLimits(Contract):
    plan = fields.String()
    seats = fields.Integer(allow_none=True)
    storage_gb_per_user = fields.Integer()
    emails = fields.Boolean()


class OrganizationRead(OrganizationUpdate):
    id = fields.String()
    limits = fields.Nested(PlanLimits)
    created_at = fields.String()
    updated_at = fields.String()


# Users -----------------------------------------------------------------------------------------

class UserRead(UserCreate):
    id = fields.String()
    org_id = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


UserPage = page_of(UserRead, "UserPage")


class SignUpRead(Contract):
    organization = fields.Nested(OrganizationRead, required=True)
    user = fields.Nested(UserRead, required=True)


# Sessions --------------------------------------------------------------------------------------

class LoginRequest(Contract):
    username = fields.String(required=True, validate=validate.Length(min=1, max=150))
    password = fields.String(required=True, validate=validate.Length(min=1, max=256), load_only=True)


class TotpEnrolment(Contract):
    secret = fields.String(required=True, metadata={"description": "Base32; shown this once. Enter it in an "
                                                                   "authenticator app, or scan `otpauth_uri`."})
    otpauth_uri = fields.String(required=True, metadata={"example": "otpauth://totp/Carnet:marie?secret=…"})


class RecoveryCodes(Contract):
    recovery_codes = fields.List(fields.String(), required=True, metadata={
        "description": "Ten single-use codes, each replacing a code of the app once; shown this once."})


class SecondFactorStatus(Contract):
    enabled = fields.Boolean(required=True)
    required = fields.Boolean(required=True, metadata={"description": "The organization requires it."})
    recovery_codes_left = fields.Integer(required=True)


class LoginResponse(Contract):
    """Either a session (`token`), or, when the user has a second factor (or must enrol one), a `challenge` to
    answer at `POST /auth/login/totp`: the first step alone yields no session."""
    token = fields.String(metadata={"description": "Send as `Authorization: Bearer <token>`."})
    expires_at = fields.String()
    user = fields.Nested(UserRead)
    second_factor = fields.String(validate=validate.OneOf(("totp", "totp_enrolment")), metadata={
        "description": "`totp`: send a code of the app; `totp_enrolment`: the organization requires a second "
                       "factor the user lacks: add `totp` to the app, then send one of its codes."})
    challenge = fields.String()
    challenge_expires_at = fields.String()
    totp = fields.Nested(TotpEnrolment)
    recovery_codes = fields.List(fields.String(), metadata={"description": "After an enrolment at login: shown "
                                                                           "this once."})


# Roles and permissions -------------------------------------------------------------------------

class RoleRead(RoleWrite):
    id = fields.String()
    user_count = fields.Integer()
    created_at = fields.String()
    updated_at = fields.String()


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
