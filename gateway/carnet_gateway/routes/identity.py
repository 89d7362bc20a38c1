"""Auth, organizations, me, users, roles, permissions, audit (docs/rules/identity-and-access.md,
docs/rules/http-api.md)."""
from flask import current_app

from carnet_common.errors import Forbidden, ServiceUnavailable, Unauthorized
from carnet_gateway import actors, auth, scope, services
from carnet_gateway.api import ADMIN, INPUT_ERRORS, PUBLIC, WRITE_ERRORS, api
from carnet_gateway.rpc import GatewayTimeout
from carnet_gateway.schemas import identity as s

AUTH, ORGS, USERS, ROLES = ("auth",), ("organizations",), ("users",), ("roles",)


# Sign-up and sessions --------------------------------------------------------------------------

@api.route("/organizations", "POST", auth=PUBLIC, body=s.OrganizationCreate, response=s.SignUpRead, status=201,
           tags=ORGS, summary="Sign up: create an organization and its administrator (S-9)", errors=(403, 409, 422))
def sign_up(call):
    if not current_app.config["CARNET"].signup_enabled:
        raise Forbidden("signup_disabled")
    return services.identity.call("create_organization", call.body)


@api.route("/auth/login", "POST", auth=PUBLIC, body=s.LoginRequest, response=s.LoginResponse, tags=AUTH,
           summary="Log in; returns an opaque bearer token (throttled per username and address)",
           errors=(401, 422, 429))
def login(call):
    username = call.body["username"]
    auth.check_login_allowed(username)
    try:
        result = services.identity.call("login", username, call.body["password"])
    except Unauthorized:
        auth.record_login_failure(username)
        raise
    auth.record_login_success(username)
    return result


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


# Organization profile (S-7, S-8) ---------------------------------------------------------------

@api.route("/organization", "GET", response=s.OrganizationRead, tags=ORGS, errors=(401,),
           summary="The caller's organization profile and plan limits")
def get_organization(call):
    return services.identity.call("get_organization", call.actor())


@api.route("/organization", "PATCH", auth=ADMIN, body=s.OrganizationUpdate, response=s.OrganizationRead,
           tags=ORGS, errors=(401, 403, 409, 422), summary="Update the organization profile or plan")
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
                   "name, email, password and language; everything else needs an administrator")
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
