"""The signed links of campaign e-mails (E-7 unsubscribe, E-9 open pixel and click redirect), shared by the campaigns
service, which writes them into each message, and the gateway, which serves them without asking anyone whether a
token is genuine.

A token is ``<payload>.<signature>``: the payload is base64url JSON ``{"k": kind, "r": recipient id, ...}`` (a click
adds ``"u"``, the target URL, so a tampered target breaks the signature: never an open redirect), the signature
base64url HMAC-SHA256 over the kind and the payload with ``CAMPAIGNS_LINK_SECRET`` (the same secret in the gateway
and the campaigns service). A token never expires: a recipient may unsubscribe from a message years old.
"""
import base64
import binascii
import hashlib
import hmac
import json
import os

KINDS = ("unsubscribe", "open", "click")
DEV_SECRET = "carnet-dev-link-secret"  # only when CAMPAIGNS_LINK_SECRET is unset (make run, tests)


class BadToken(ValueError):
    """The token was not made by us, was changed, or is not of the kind expected."""


def secret():
    return (os.environ.get("CAMPAIGNS_LINK_SECRET") or DEV_SECRET).encode()


def _b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(kind, payload, key):
    return _b64(hmac.new(key, kind.encode() + b"." + payload.encode(), hashlib.sha256).digest())


def seal(kind, data, *, key):
    """``data`` (a dict of JSON values) as a token of ``kind`` signed with ``key``: base64url JSON, a dot, the
    signature over the kind and the payload (so a token of one kind never passes for another). Also the file links
    of e-mails (gateway/carnet_gateway/public_files.py), under a key of their own."""
    payload = _b64(json.dumps({"k": kind, **data}, separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_signature(kind, payload, key)}"


def unseal(kind, token, *, key):
    """The data ``seal`` signed (its ``k`` included), or ``BadToken``: not ours, changed, malformed, another kind."""
    try:
        payload, signature = str(token).split(".")
        if not hmac.compare_digest(signature, _signature(kind, payload, key)):
            raise BadToken("signature")
        data = json.loads(_unb64(payload))
    except (ValueError, binascii.Error, UnicodeError):
        raise BadToken("malformed") from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise BadToken("kind")
    return data


def sign(kind, recipient_id, *, url=None, key=None):
    """A token of ``kind`` for ``recipient_id`` (and the click's target ``url``)."""
    if kind not in KINDS:
        raise ValueError(kind)
    data = {"r": recipient_id}
    if url is not None:
        data["u"] = url
    return seal(kind, data, key=key or secret())


def verify(kind, token, *, key=None):
    """The token's data (``recipient_id`` and, for a click, ``url``), or ``BadToken``."""
    data = unseal(kind, token, key=key or secret())
    if not isinstance(data.get("r"), str):
        raise BadToken("kind")
    result = {"recipient_id": data["r"]}
    if kind == "click":
        if not isinstance(data.get("u"), str):
            raise BadToken("url")
        result["url"] = data["u"]
    return result


# The public paths the gateway serves (below its public base URL).
def unsubscribe_url(base_url, recipient_id):
    return f"{base_url.rstrip('/')}/u/{sign('unsubscribe', recipient_id)}"


def open_url(base_url, recipient_id):
    return f"{base_url.rstrip('/')}/t/o/{sign('open', recipient_id)}.gif"


def click_url(base_url, recipient_id, url):
    return f"{base_url.rstrip('/')}/t/c/{sign('click', recipient_id, url=url)}"
