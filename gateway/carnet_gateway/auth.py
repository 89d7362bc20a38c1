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
from carnet_common.errors import Forbidden, TooManyRequests, Unauthorized
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


# Login throttling (S-10), shared by every gateway worker via Redis. Failures are counted per username
# and address (10 by default), per address (50) and per username from anywhere (100, NIST SP 800-63B's
# ceiling): a stranger guessing from one address cannot lock the real user out for long, while a
# distributed attack on one account still stops at 100.

def _client_address():
    return request.remote_addr or "unknown"


def check_login_allowed(username):
    settings = current_app.config["CARNET"]
    redis = current_app.extensions["carnet.redis"]
    address = _client_address()
    user_key = redis_keys.rate_key("login_fail_user", username.lower())
    pair_key = redis_keys.rate_key("login_fail_pair", f"{username.lower()}@{address}")
    ip_key = redis_keys.rate_key("login_fail_ip", address)
    minute_key = redis_keys.rate_key("login_ip_minute", f"{address}:{int(time.time() // 60)}")
    pipe = redis.pipeline()
    pipe.get(user_key)
    pipe.ttl(user_key)
    pipe.get(pair_key)
    pipe.ttl(pair_key)
    pipe.get(ip_key)
    pipe.ttl(ip_key)
    pipe.incr(minute_key)
    pipe.expire(minute_key, 61)
    user_failures, user_ttl, pair_failures, pair_ttl, ip_failures, ip_ttl, attempts, _ = pipe.execute()
    if int(user_failures or 0) >= settings.login_user_failures:
        _throttled(user_ttl)
    if int(pair_failures or 0) >= settings.login_pair_failures:
        _throttled(pair_ttl)
    if int(ip_failures or 0) >= settings.login_ip_failures:
        _throttled(ip_ttl)
    if attempts > settings.login_ip_attempts_per_minute:
        _throttled(60 - int(time.time()) % 60)


def _throttled(ttl):
    retry_after = max(int(ttl or 1), 1)
    raise TooManyRequests("login_throttled", params={"retry_after": retry_after})


def record_login_failure(username):
    settings = current_app.config["CARNET"]
    redis = current_app.extensions["carnet.redis"]
    pipe = redis.pipeline()
    for key in (redis_keys.rate_key("login_fail_user", username.lower()),
                redis_keys.rate_key("login_fail_pair", f"{username.lower()}@{_client_address()}"),
                redis_keys.rate_key("login_fail_ip", _client_address())):
        pipe.incr(key)
        pipe.expire(key, settings.login_window_seconds, nx=True)
    pipe.execute()


def record_login_success(username):
    current_app.extensions["carnet.redis"].delete(
        redis_keys.rate_key("login_fail_user", username.lower()),
        redis_keys.rate_key("login_fail_pair", f"{username.lower()}@{_client_address()}"))
