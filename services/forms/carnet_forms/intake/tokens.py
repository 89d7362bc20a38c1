"""Render tokens (F-4): what ``render_form`` hands the page and the page posts back, so that the service knows when the
form was shown (minimum fill time) and that it was shown by us at all.

A token is ``carnet_contracts.campaign_links.seal`` of kind ``form_render`` (the one signed-token mechanism of the
installation) over ``{f: form key, v: version, t: issued at (epoch seconds), n: nonce}``, signed with
``FORMS_SIGNING_SECRET`` (a development default when it is unset: ``make run`` and the tests; the deployment sets
it, deploy/). A token is single-use: the first submission stored with it claims its nonce in Redis (SET NX, one
day), a second one is quarantined as ``token_reused``.
"""
import logging
import os
import secrets as _secrets

import redis as _redis

from carnet_common import redis_keys
from carnet_contracts.campaign_links import BadToken, seal, unseal

KIND = "form_render"
DEV_SECRET = "carnet-dev-forms-secret"  # only when FORMS_SIGNING_SECRET is unset (make run, tests)
MAX_AGE_S = 86_400        # a token older than a day is ``token_expired``
CLOCK_SKEW_S = 60         # a token issued further in the future than this was not issued by us: ``token_invalid``
MAX_TOKEN_LENGTH = 1_000  # far above a real token (~150 characters)

log = logging.getLogger(__name__)


def secret():
    return (os.environ.get("FORMS_SIGNING_SECRET") or DEV_SECRET).encode()


def issue(form_key, version, *, now, key=None, nonce=None):
    """A token for ``form_key``'s version ``version`` shown at ``now`` (epoch seconds)."""
    data = {"f": form_key, "v": version, "t": round(float(now), 3), "n": nonce or _secrets.token_urlsafe(12)}
    return seal(KIND, data, key=key or secret())


def check(token, form_key, *, now, min_fill_seconds, key=None):
    """``(reason, data)``: ``reason`` None for a good token, else ``token_missing``, ``token_invalid`` (not ours,
    changed, another form's), ``token_expired`` (older than a day) or ``too_fast`` (younger than the form's minimum
    fill time); ``data`` the token's fields when it is ours (``nonce`` to claim, ``age`` in seconds)."""
    if token is None or token == "":
        return "token_missing", None
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return "token_invalid", None
    try:
        raw = unseal(KIND, token, key=key or secret())
    except BadToken:
        return "token_invalid", None
    issued, nonce = raw.get("t"), raw.get("n")
    if (raw.get("f") != form_key or not isinstance(issued, (int, float)) or isinstance(issued, bool)
            or not isinstance(nonce, str) or not nonce):
        return "token_invalid", None
    age = float(now) - float(issued)
    data = {"nonce": nonce, "version": raw.get("v"), "age": round(age, 3)}
    if age < -CLOCK_SKEW_S:
        return "token_invalid", None
    if age > MAX_AGE_S:
        return "token_expired", data
    if age < min_fill_seconds:
        return "too_fast", data
    return None, data


def nonce_key(nonce):
    return f"{redis_keys.prefix()}forms:render_nonce:{nonce}"


def claim(redis, nonce):
    """Whether this is the first use of ``nonce`` (Redis SET NX for a day: shared by every replica). Redis
    unreachable: True (logged) — the token's signature and age still hold, and a visitor's submission is stored
    rather than refused (F-5)."""
    try:
        return bool(redis.set(nonce_key(nonce), "1", nx=True, ex=MAX_AGE_S))
    except _redis.RedisError as exc:
        log.warning("render token nonce not checked, Redis unreachable: %s", exc)
        return True


def release(redis, nonce):
    """Forget a claim whose submission was not stored (its transaction failed): the visitor's retry is no reuse."""
    try:
        redis.delete(nonce_key(nonce))
    except _redis.RedisError as exc:
        log.warning("render token nonce stays claimed, Redis unreachable: %s", exc)
