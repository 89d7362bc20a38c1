"""Auth, organizations, me, users, roles, permissions, audit (docs/rules/identity-and-access.md,
docs/rules/http-api.md)."""
from flask import current_app

from carnet_common.errors import Conflict, Forbidden, ServiceUnavailable, Unauthorized
from carnet_contracts.identity import LoginSecondFactor, PasswordConfirmation, TotpCode
from carnet_gateway import actors, limits, scope, services
from carnet_gateway.api import ADMIN, INPUT_ERRORS, PUBLIC, WRITE_ERRORS, api
from carnet_gateway.rpc import GatewayTimeout
from carnet_gateway.schemas import identity as s

AUTH, ORGS, USERS, ROLES = ("auth",), ("organizations",), ("users",), ("roles",)


# Sign-up and sessions --------------------------------------------------------------------------

@api.route("/organizations", "POST", auth=PUBLIC, body=s.OrganizationCreate, response=s.SignUpRead, status=201,
           tags=ORGS, errors=(403, 409, 422, 429),
           summary="Sign up: create an organization and its administrator (S-9); limited per address and in all "
                   "per hour, refusals of a taken username more tightly (429 with Retry-After)")
def sign_up(call):
    if not current_app.config["CARNET"].signup_enabled:
        raise Forbidden("signup_disabled")
    limits.count_sign_up()
    taken = False
    try:
        return services.identity.call("create_organization", call.body)
    except Conflict as exc:
        taken = exc.code == "username_taken"
        raise
    finally:
        limits.sign_up_answered(username_taken=taken)


@api.route("/auth/login", "POST", auth=PUBLIC, body=s.LoginRequest, response=s.LoginResponse, tags=AUTH,
           summary="Log in: a bearer token, or the challenge of a second step when the user has (or must enrol) "
                   "a second factor (throttled per username and address)", errors=(401, 422, 429))
def login(call):
    username = call.body["username"]
    limits.count_login_attempt(username)
    try:
        result = services.identity.call("login", username, call.body["password"])
    except Unauthorized:
        raise  # counted as a failure already
    except BaseException:
        limits.login_unanswered(username)
        raise
    limits.login_succeeded(username)
    return result


@api.route("/auth/login/totp", "POST", auth=PUBLIC, body=LoginSecondFactor, response=s.LoginResponse, tags=AUTH,
           summary="Second step of a login (S-10): the challenge and a code of the authenticator app or an unused "
                   "recovery code; five wrong codes end the challenge, ten in 15 minutes throttle the user",
           errors=(401, 422, 429))
def login_second_factor(call):
    return services.identity.call("login_second_factor", call.body)


@api.route("/auth/logout", "POST", status=204, tags=AUTH, summary="Revoke the current token",
           errors=(401,))
def logout(call):
    services.identity.call("logout", call.principal["token_digest"])


@api.route("/me", "GET", response=s.Me, tags=AUTH, errors=(401,),
           summary="The current user with role, effective permissions, flags, organization and active lists")
def me(call):
    try:
        selected = scope.active_list_ids(call.principal, call.actor(actors.CONTACTS))
    except (ServiceUnavailable, GatewayTimeout):
        selected = None  # the rest of /me still answers while contacts is down
    return {**call.principal, "selected_list_ids": selected}


# Second factor (S-10) --------------------------------------------------------------------------

@api.route("/me/totp", "GET", response=s.SecondFactorStatus, tags=AUTH, errors=(401,),
           summary="Whether the caller has a second factor, whether the organization requires one, recovery codes "
                   "left")
def get_second_factor(call):
    return services.identity.call("get_second_factor", call.actor())


@api.route("/me/totp", "POST", body=PasswordConfirmation, response=s.TotpEnrolment, tags=AUTH,
           errors=(401, 403, 409, 422), summary="Start enrolling a TOTP second factor: its secret, shown once; in "
                                                "force once a code confirms it")
def start_totp_enrolment(call):
    return services.identity.call("start_totp_enrolment", call.actor(), call.body)


@api.route("/me/totp/confirm", "POST", body=TotpCode, response=s.RecoveryCodes, tags=AUTH,
           errors=(401, 403, 409, 422, 429), summary="Confirm the enrolment with a code of the app: the second "
                                                     "factor is on; ten recovery codes, shown once; 403 "
                                                     "`totp_code_wrong` for a code that is not its")
def confirm_totp_enrolment(call):
    return services.identity.call("confirm_totp_enrolment", call.actor(), call.body)


@api.route("/me/totp/recovery-codes", "POST", body=PasswordConfirmation, response=s.RecoveryCodes, tags=AUTH,
           errors=(401, 403, 409, 422), summary="New recovery codes, shown once; the old ones stop working")
def regenerate_recovery_codes(call):
    return services.identity.call("regenerate_recovery_codes", call.actor(), call.body)


@api.route("/me/totp/disable", "POST", body=PasswordConfirmation, status=204, tags=AUTH,
           errors=(401, 403, 409, 422), summary="Turn the second factor off (not while the organization requires it)")
def disable_totp(call):
    services.identity.call("disable_totp", call.actor(), call.body)


@api.route("/users/{user_id}/totp/reset", "POST", auth=ADMIN, body=PasswordConfirmation, status=204, tags=USERS,
           errors=(401, 403, 404, 422),
           summary="Remove a user's second factor (a lost phone), with the administrator's password; the user's "
                   "sessions end")
def reset_totp(call):
    services.identity.call("reset_totp", call.actor(), call.path["user_id"], call.body)


# Organization profile (S-7, S-8) ---------------------------------------------------------------

@api.route("/organization", "GET", response=s.OrganizationRead, tags=ORGS, errors=(401,),
           summary="The caller's organization profile and plan limits")
def get_organization(call):
    return services.identity.call("get_organization", call.actor())


@api.route("/organization", "PATCH", auth=ADMIN, body=s.OrganizationUpdate, response=s.OrganizationRead,
           tags=ORGS, errors=(401, 403, 409, 422),
           summary="Update the organization profile or its security settings; the plan is the operator's (S-7)")
def update_organization(call):
    return services.identity.call("update_organization", call.actor(), call.body)


# Users (S-1, S-4, S-5) -------------------------------------------------------------------------

@api.route("/users", "GET", query=s.UserQuery, response=s.UserPage, tags=USERS, errors=(401, 422),
           summary="Users of the organization (every user may list them: reps are chosen among them)")
def list_users(call):
    return services.identity.call("list_users", call.actor(), call.query)


@api.route("/users", "POST", auth=ADMIN, body=s.UserCreate, response=s.UserRead, status=201, tags=USERS,
           errors=(401, 403, 409, 422), summary="Create a user")
def create_user(call):
    return services.identity.call("create_user", call.actor(), call.body)


@api.route("/users/{user_id}", "GET", response=s.UserRead, tags=USERS, errors=(401, 404),
           summary="One user")
def get_user(call):
    return services.identity.call("get_user", call.actor(), call.path["user_id"])


@api.route("/users/{user_id}", "PATCH", body=s.UserUpdate, response=s.UserRead, tags=USERS,
           errors=(401, 403, 404, 409, 422),
           summary="Update a user: rename, (de)activate, role, manager, flags. A user may change their own "
                   "name, email, password and language; everything else needs an administrator. Changing a "
                   "username, email or password needs the caller's `current_password` (S-10)")
def update_user(call):
    # A new password ends the user's other sessions; the caller's own one stays (S-1).
    return services.identity.call("update_user", call.actor(), call.path["user_id"], call.body,
                                  call.principal["token_digest"])


@api.route("/users/{user_id}", "DELETE", auth=ADMIN, status=204, tags=USERS, errors=(401, 403, 404, 409),
           summary="Delete a user: no more login, gone from user lists, kept as rep of existing records")
def delete_user(call):
    services.identity.call("delete_user", call.actor(), call.path["user_id"])


# Roles and permissions (S-2, S-3) --------------------------------------------------------------

@api.route("/roles", "GET", auth=ADMIN, response=s.RoleRead, many=True, tags=ROLES, errors=(401, 403),
           summary="Roles of the organization")
def list_roles(call):
    return services.identity.call("list_roles", call.actor())


@api.route("/roles", "POST", auth=ADMIN, body=s.RoleWrite, response=s.RoleRead, status=201, tags=ROLES,
           errors=WRITE_ERRORS, summary="Create a role")
def create_role(call):
    return services.identity.call("create_role", call.actor(), call.body)


@api.route("/roles/{role_id}", "PATCH", auth=ADMIN, body=s.RoleWrite, response=s.RoleRead, tags=ROLES,
           errors=WRITE_ERRORS, summary="Rename a role")
def update_role(call):
    return services.identity.call("update_role", call.actor(), call.path["role_id"], call.body)


@api.route("/roles/{role_id}", "DELETE", auth=ADMIN, status=204, tags=ROLES, errors=(401, 403, 404, 409),
           summary="Delete a role no user holds")
def delete_role(call):
    services.identity.call("delete_role", call.actor(), call.path["role_id"])


@api.route("/roles/{role_id}/permissions", "GET", auth=ADMIN, response=s.Permissions, tags=ROLES,
           errors=(401, 403, 404), summary="A role's permissions per module, field and special entry")
def get_permissions(call):
    return services.identity.call("get_permissions", call.actor(), call.path["role_id"])


@api.route("/roles/{role_id}/permissions", "PUT", auth=ADMIN, body=s.Permissions, response=s.Permissions,
           tags=ROLES, errors=INPUT_ERRORS,
           summary="Replace a role's permissions (missing entries are false); effective at the next request")
def set_permissions(call):
    return services.identity.call("set_permissions", call.actor(), call.path["role_id"], call.body)


@api.route("/audit", "GET", auth=ADMIN, query=s.PageQuery, response=s.AuditPage, tags=ORGS,
           errors=(401, 403, 422), summary="Security journal: users, roles and permission changes")
def list_audit(call):
    return services.identity.call("list_audit", call.actor(), call.query)
