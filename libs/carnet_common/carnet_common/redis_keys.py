"""Redis key names shared by their writer and their readers, under one prefix per installation.

Sessions are written by identity (login, logout, deactivation) and read by the gateway; the
authorization generation is bumped by identity after every change that affects what a user may do,
and the gateway's cached principal is stale as soon as the generation moves (S-3: next request).
"""
import hashlib
import os

import redis


def prefix():
    return os.environ.get("CARNET_REDIS_PREFIX", "carnet:")


def client(url=None):
    from carnet_common import config
    return redis.Redis.from_url(url or config.redis_url(), decode_responses=True,
                                socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def session_key(digest):
    return f"{prefix()}session:{digest}"


def user_sessions_key(user_id):
    return f"{prefix()}user_sessions:{user_id}"


def authz_generation_key(org_id):
    return f"{prefix()}authz_gen:{org_id}"


def lists_generation_key(org_id):
    return f"{prefix()}lists_gen:{org_id}"


def principal_key(user_id):
    return f"{prefix()}principal:{user_id}"


def rate_key(kind, value):
    return f"{prefix()}rate:{kind}:{value}"
