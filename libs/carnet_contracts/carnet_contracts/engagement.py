"""What recipients did (E-7, E-9), shared by the gateway and the campaigns service: the Redis list the gateway queues
tracking hits on (the engagement area drains it in batches: no RPC per hit), a hit's encoding, the unsubscribe
sources and the queries of the per-recipient report.

A hit is compact JSON ``{"k": "open"|"click", "r": recipient id, "at": epoch seconds, "m": HTTP method, "ua": user
agent (cut to ``UA_MAX``), "ip": the client's network (an IPv4 /24 or an IPv6 /48: enough to tell a scanner's
network from a person's, never the address itself), "u": the click's target}``. The key is bounded: past
``QUEUE_MAX`` waiting hits the gateway drops new ones (tracking is best effort; unsubscribes never go through Redis).
"""
import ipaddress
import json

from marshmallow import fields, validate

from carnet_common import redis_keys
from carnet_contracts.values import PageQuery

HIT_KINDS = ("open", "click")
UNSUBSCRIBE_SOURCES = ("one_click", "page")
UA_MAX = 300
QUEUE_MAX = 1_000_000
RECIPIENT_STATES = ("queued", "sending", "sent", "retry", "failed", "suppressed", "cancelled")


def hits_key():
    """The Redis list of tracking hits waiting for the campaigns service."""
    return f"{redis_keys.prefix()}campaigns:hits"


def network_of(address):
    """The client's network (IPv4 /24, IPv6 /48) as text, or "" for anything unparsable."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def encode_hit(kind, recipient_id, *, at, method, user_agent, address, url=None):
    hit = {"k": kind, "r": recipient_id, "at": round(at, 3), "m": method, "ua": (user_agent or "")[:UA_MAX],
           "ip": network_of(address)}
    if url is not None:
        hit["u"] = url
    return json.dumps(hit, separators=(",", ":"), ensure_ascii=False)


def decode_hit(text):
    """The hit as a dict, or None when it is not one (a malformed entry is dropped, never retried)."""
    try:
        hit = json.loads(text)
    except (TypeError, ValueError):
        return None
    if (not isinstance(hit, dict) or hit.get("k") not in HIT_KINDS or not isinstance(hit.get("r"), str)
            or not isinstance(hit.get("at"), (int, float)) or not isinstance(hit.get("m"), str)):
        return None
    hit.setdefault("ua", "")
    hit.setdefault("ip", "")
    return hit


class RecipientQuery(PageQuery):
    """``GET /campaigns/{campaign_id}/recipients``: a page of the recipients the caller sees."""
    state = fields.String(validate=validate.OneOf(RECIPIENT_STATES),
                          metadata={"description": "Only the recipients in this sending state."})


class ContactEmailQuery(PageQuery):
    """``GET /contacts/{contact_id}/emails``: a page of the e-mails sent to the contact, newest first."""
