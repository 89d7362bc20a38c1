"""The caller's active lists (L-2: selected, among those they may access), cached in Redis.

Contacts owns lists, grants and selections. ``GET /me`` and the services that inherit contacts'
visibility (opportunities, tasks) need the caller's active list ids on every request, so the gateway asks
contacts once and caches the answer per user under the organization's *list generation*. The gateway
bumps that generation after every list, grant or selection change it forwards to contacts, so a change
applies at the next request; the TTL is only a safety net for changes made without the gateway.
"""
import json

from flask import current_app, g

from carnet_common import redis_keys
from carnet_gateway import services

TTL_SECONDS = 60


def _cache_key(user_id, generation):
    return f"{redis_keys.prefix()}active_lists:{user_id}:{generation}"


def active_list_ids(principal, contacts_actor):
    redis = current_app.extensions["carnet.redis"]
    org_id, user_id = principal["organization"]["id"], principal["user"]["id"]
    generation = g.get("carnet_lists_generation", None)
    if generation is None:
        generation = redis.get(redis_keys.lists_generation_key(org_id))
    generation = int(generation or 0)
    cached = redis.get(_cache_key(user_id, generation))
    if cached is not None:
        return json.loads(cached)
    list_ids = services.contacts.call("get_selected_lists", contacts_actor)["list_ids"]
    redis.set(_cache_key(user_id, generation), json.dumps(list_ids), ex=TTL_SECONDS)
    return list_ids


def lists_changed(principal):
    """Every cached list scope of the caller's organization is stale from now on."""
    current_app.extensions["carnet.redis"].incr(redis_keys.lists_generation_key(principal["organization"]["id"]))
