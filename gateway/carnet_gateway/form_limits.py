"""Rate limits of the public side of forms (F-4), shared by every gateway worker through Redis.

Two counters per attempt, each a minute's window from its first count: the caller's address on that form
(``FORMS_MAX_PER_IP_MINUTE``, default 20) and the form from anywhere (``FORMS_MAX_PER_FORM_MINUTE``, default 600).
Both are checked and counted in one atomic step (``limits._reserve``'s script): an attempt refused by its address's
cap counts nowhere, so a flooding address never uses up the form's minute for the others — one address's limit never
slows another's. Every attempt counts (a 422 too): guessing field values is an attempt like any other.

Redis out of reach: the post goes through uncounted (logged). A visitor's submission matters more than the count of
one minute, and the service still checks the post itself (F-4, F-5).
"""
import functools
import logging

import redis

from carnet_common import config, redis_keys
from carnet_gateway import limits

log = logging.getLogger(__name__)
WINDOW_S = 60


@functools.lru_cache(maxsize=1)
def caps():
    """(per address and form, per form) a minute, read once per process from its environment."""
    return (max(config.env_int("FORMS_MAX_PER_IP_MINUTE", 20), 1),
            max(config.env_int("FORMS_MAX_PER_FORM_MINUTE", 600), 1))


def count_submission(form_key):
    """Before anything is read or asked of the forms service: ``TooManyRequests`` (429, ``form_rate_limited``, its
    ``retry_after``) when the caller's address or the form has used up its minute; else the attempt is counted."""
    per_address, per_form = caps()
    address = limits.client_address()
    try:
        limits._reserve("form_rate_limited", [
            (redis_keys.rate_key("form_ip", f"{form_key}@{address}"), per_address, WINDOW_S),
            (redis_keys.rate_key("form", form_key), per_form, WINDOW_S)])
    except redis.RedisError as exc:
        log.warning("form %s: a post not counted (Redis: %s)", form_key, exc)
