"""Sessions as revocable opaque tokens (S-10), kept in Redis.

Why Redis: every gateway request reads the session, so the store must answer in well under a
millisecond without an RPC; expiry is native (TTL) and revocation is a DEL. Only the SHA-256 digest of a
token is stored, never the token. Losing Redis logs everyone out, which is acceptable for sessions.
Identity is the only writer; the gateway reads ``session:<digest>``.
"""
import secrets
import time

from carnet_common import redis_keys


def create(redis, *, user_id, org_id, ttl_seconds):
    token = secrets.token_urlsafe(32)
    digest = redis_keys.token_digest(token)
    expires_at = int(time.time()) + ttl_seconds
    pipe = redis.pipeline()
    pipe.hset(redis_keys.session_key(digest), mapping={
        "user_id": user_id, "org_id": org_id, "expires_at": expires_at})
    pipe.expire(redis_keys.session_key(digest), ttl_seconds)
    pipe.sadd(redis_keys.user_sessions_key(user_id), digest)
    pipe.expire(redis_keys.user_sessions_key(user_id), ttl_seconds)
    pipe.execute()
    return token, expires_at


def revoke(redis, digest):
    session = redis.hgetall(redis_keys.session_key(digest))
    pipe = redis.pipeline()
    pipe.delete(redis_keys.session_key(digest))
    if session.get("user_id"):
        pipe.srem(redis_keys.user_sessions_key(session["user_id"]), digest)
    pipe.execute()
    return bool(session)


def revoke_all(redis, user_id, *, keep=None):
    """End every session of ``user_id`` but ``keep`` (a token digest: the caller's own, when they change
    their password)."""
    key = redis_keys.user_sessions_key(user_id)
    digests = [d for d in redis.smembers(key) if d != keep]
    pipe = redis.pipeline()
    for digest in digests:
        pipe.delete(redis_keys.session_key(digest))
        pipe.srem(key, digest)
    pipe.execute()
    return len(digests)


def bump_authz_generation(redis, org_id):
    """Every cached principal of ``org_id`` is stale from now on (S-3: effective at the next request)."""
    return redis.incr(redis_keys.authz_generation_key(org_id))
