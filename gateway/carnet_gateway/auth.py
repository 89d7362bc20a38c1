"""Authentication (opaque bearer tokens) and authorization (admin, module permissions); what a role's permissions
allow, fields included, is ``carnet_contracts.permissions`` (S-3).

A request costs one Redis round trip and no RPC when the principal is cached: the per-user request cap's script
(``limits.count_user_request``, run first by ``guards.py``) reads the session (``session:<sha256>``, written by
identity), then the organization's authorization generation with the cached principal, and hands them over
(``limits.session_read``); without the cap, the same two reads are two round trips. Identity bumps the generation
after every change of roles, permissions, flags, hierarchy or activation, so a change applies at the next request
(S-3 [beyond]); the cache TTL is only a safety net if a bump was lost.
"""
import json
import time

from flask import current_app, g, request

from carnet_common import redis_keys
from carnet_common.errors import Forbidden, Unauthorized
from carnet_contracts.permissions import may
from carnet_gateway import limits, services


def _bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
        raise Unauthorized("not_authenticated")
    return token.strip()


def authenticate(token=None):
    """The caller's principal, or 401: from the bearer token of ``/api/v1``, or the ``token`` of the web client's
    session cookie (``web/session.py``)."""
    redis = current_app.extensions["carnet.redis"]
    digest = redis_keys.token_digest(token if token is not None else _bearer_token())
    # With the per-user cap on, its script has read all of this already (``limits.count_user_request``).
    read = limits.session_read(digest)
    session = read[0] if read else redis.hgetall(redis_keys.session_key(digest))
    if not session or int(session.get("expires_at", 0)) <= time.time():
        raise Unauthorized("session_invalid")
    user_id, org_id = session["user_id"], session["org_id"]
    # The list generation rides along for ``scope.active_list_ids`` (saves a round trip on /me and on
    # every opportunities and tasks request).
    generation, cached, lists_generation = read[1] if read else redis.mget(
        redis_keys.authz_generation_key(org_id), redis_keys.principal_key(user_id),
        redis_keys.lists_generation_key(org_id))
    g.carnet_lists_generation = int(lists_generation or 0)
    generation = int(generation or 0)
    principal = json.loads(cached) if cached else None
    if principal is None or principal.get("generation") != generation:
        try:
            principal = services.identity.call("get_principal", user_id)
        except Unauthorized:
            redis.delete(redis_keys.session_key(digest))
            raise Unauthorized("session_invalid") from None
        principal["generation"] = generation
        redis.set(redis_keys.principal_key(user_id), json.dumps(principal),
                  ex=current_app.config["CARNET"].principal_ttl)
    principal["token_digest"] = digest
    g.principal = principal
    return principal


def authorize(principal, level):
    if level == "admin" and not principal["is_admin"]:
        raise Forbidden("admin_only")


def require_feature(principal, feature):
    """403 when the organization's plan lacks ``feature`` (S-7; E-1: the emails module needs team or above)."""
    organization = principal.get("organization") or {}
    if not (organization.get("limits") or {}).get(feature):
        raise Forbidden("plan_feature", params={"feature": feature, "plan": organization.get("plan")})


def require(principal, module, action):
    """403 naming the module and action the role lacks (S-3)."""
    if not may(principal, module, action):
        raise Forbidden("missing_permission", params={"module": module, "action": action})
