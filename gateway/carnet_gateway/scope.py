"""The caller's active lists (L-2: selected, among those they may access), cached in Redis.

Contacts owns lists, grants and selections. ``GET /me`` and the services that inherit contacts'
visibility (opportunities, tasks) need the caller's active list ids on every request, so the gateway asks
contacts once and caches the answer per user under both generations that decide it: the organization's
*list generation*, which the gateway bumps after every list, grant or selection change it forwards to contacts,
and its *authorization generation*, which identity bumps after every change of roles, flags or activation (a
demoted administrator no longer reaches every list: issue 10 §1, S-3 "at the next request"). So either change
applies at the next request; the TTL is only a safety net for changes made without the gateway.
"""
import json

from flask import current_app, g

from carnet_common import redis_keys
from carnet_gateway import services

TTL_SECONDS = 60


def _cache_key(user_id, lists_generation, authz_generation):
    return f"{redis_keys.prefix()}active_lists:{user_id}:{lists_generation}:{authz_generation}"


def active_list_ids(principal, contacts_actor):
    """``principal["generation"]`` is the authorization generation it was read under (``auth.authenticate``)."""
    redis = current_app.extensions["carnet.redis"]
    org_id, user_id = principal["organization"]["id"], principal["user"]["id"]
    generation = g.get("carnet_lists_generation", None)
    if generation is None:
        generation = redis.get(redis_keys.lists_generation_key(org_id))
    key = _cache_key(user_id, int(generation or 0), int(principal.get("generation") or 0))
    cached = redis.get(key)
    if cached is not None:
        return json.loads(cached)
    list_ids = services.contacts.call("get_selected_lists", contacts_actor)["list_ids"]
    redis.set(key, json.dumps(list_ids), ex=TTL_SECONDS)
    return list_ids


def lists_changed(principal):
    """Every cached list scope of the caller's organization is stale from now on."""
    current_app.extensions["carnet.redis"].incr(redis_keys.lists_generation_key(principal["organization"]["id"]))
