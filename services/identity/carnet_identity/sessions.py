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


# Login challenges (S-10): the first step of a login with a second factor. Only identity reads them; the client holds
# the challenge, Redis its digest, so the first step yields nothing the gateway would accept as a session.

CHALLENGE_TTL_SECONDS = 300
CHALLENGE_MAX_FAILURES = 5


def _challenge_key(digest):
    return f"{redis_keys.prefix()}login_challenge:{digest}"


def create_challenge(redis, *, user_id, kind, secret=None):
    """``kind`` is ``totp`` (enter a code) or ``totp_enrolment`` (confirm the new ``secret`` with a code)."""
    challenge = secrets.token_urlsafe(32)
    key = _challenge_key(redis_keys.token_digest(challenge))
    pipe = redis.pipeline()
    pipe.hset(key, mapping={"user_id": user_id, "kind": kind, "secret": secret or "", "failures": 0})
    pipe.expire(key, CHALLENGE_TTL_SECONDS)
    pipe.execute()
    return challenge, int(time.time()) + CHALLENGE_TTL_SECONDS


def read_challenge(redis, challenge):
    return redis.hgetall(_challenge_key(redis_keys.token_digest(challenge))) or None


def drop_challenge(redis, challenge):
    redis.delete(_challenge_key(redis_keys.token_digest(challenge)))


def challenge_failed(redis, challenge):
    """Counts a wrong code against the challenge; the fifth ends it (log in again)."""
    key = _challenge_key(redis_keys.token_digest(challenge))
    if redis.hincrby(key, "failures", 1) >= CHALLENGE_MAX_FAILURES:
        redis.delete(key)


# Failure counters per user (S-10). Counted before the check (INCR first, in one MULTI with its expiry), so
# concurrent attempts each see their own number and none passes the cap.

def _failures_key(kind, user_id):
    return f"{redis_keys.prefix()}{kind}_failures:{user_id}"


def count_attempt(redis, kind, user_id, *, window_seconds):
    """This attempt's number in the window and the seconds left in it."""
    key = _failures_key(kind, user_id)
    pipe = redis.pipeline()
    pipe.incr(key)
    pipe.expire(key, window_seconds, nx=True)
    pipe.ttl(key)
    attempts, _, ttl = pipe.execute()
    return attempts, max(int(ttl), 1)


def forgive_attempt(redis, kind, user_id):
    """An attempt that succeeded: the failures before it no longer count."""
    redis.delete(_failures_key(kind, user_id))


def bump_authz_generation(redis, org_id):
    """Every cached principal of ``org_id`` is stale from now on (S-3: effective at the next request)."""
    return redis.incr(redis_keys.authz_generation_key(org_id))
