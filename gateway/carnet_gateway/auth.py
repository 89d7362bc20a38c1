"""Authentication (opaque bearer tokens) and authorization (admin, module permissions, fields).

A request costs two Redis round trips and no RPC when the principal is cached: the session
(``session:<sha256>``, written by identity), then the organization's authorization generation with the
cached principal. Identity bumps the generation after every change of roles, permissions, flags,
hierarchy or activation, so a change applies at the next request (S-3 [beyond]); the cache TTL is only a
safety net if a bump was lost.
"""
import json
import time

from flask import current_app, g, request

from carnet_common import redis_keys
from carnet_common.errors import Forbidden, Unauthorized
from carnet_gateway import services


def _bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
        raise Unauthorized("not_authenticated")
    return token.strip()


def authenticate():
    """The caller's principal, or 401."""
    redis = current_app.extensions["carnet.redis"]
    digest = redis_keys.token_digest(_bearer_token())
    session = redis.hgetall(redis_keys.session_key(digest))
    if not session or int(session.get("expires_at", 0)) <= time.time():
        raise Unauthorized("session_invalid")
    user_id, org_id = session["user_id"], session["org_id"]
    # The list generation rides along for ``scope.active_list_ids`` (saves a round trip on /me and on
    # every opportunities and tasks request).
    generation, cached, lists_generation = redis.mget(
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


def may(principal, module, action):
    return bool(principal["permissions"]["modules"].get(module, {}).get(action))


def may_field(principal, module, field, action):
    """May this user ``action`` (read/write) ``field`` of ``module``? (S-3; allow-list of fields)."""
    if not may(principal, module, "read" if action == "read" else "write"):
        return False
    entry = principal["permissions"]["fields"].get(f"{module}.{field}")
    return True if entry is None else bool(entry.get(action))


def readable_custom(principal, module, custom):
    """``custom`` values without those of fields the role may not read (``<module>.custom.<key>``, S-3, C-14)."""
    return {key: value for key, value in (custom or {}).items()
            if may_field(principal, module, f"custom.{key}", "read")}


def refuse_unwritable(principal, module, names):
    """403 naming the first of ``names`` (``title``, ``custom.size``) the role may not write (S-3)."""
    for name in names:
        if not may_field(principal, module, name, "write"):
            raise Forbidden("field_not_writable", errors={name: ["field_not_writable"]}, params={"field": name})


def denied_custom(principal, module):
    """Keys of ``module``'s custom fields the role may not read: exports leave their columns out."""
    prefix = f"{module}.custom."
    return sorted(key[len(prefix):] for key, entry in principal["permissions"]["fields"].items()
                  if key.startswith(prefix) and not (entry or {}).get("read"))


def authorize(principal, level):
    if level == "admin" and not principal["is_admin"]:
        raise Forbidden("admin_only")


def require(principal, module, action):
    """403 naming the module and action the role lacks (S-3)."""
    if not may(principal, module, action):
        raise Forbidden("missing_permission", params={"module": module, "action": action})
