"""``Idempotency-Key`` on ``POST`` routes: a client that got a 503 or 504 retries without creating twice (issue 10 §4).

A signed-in caller sends ``Idempotency-Key: <1 to 255 printable ASCII characters>`` with a ``POST``; the key is the
caller's (one user's key never meets another's). The first request with a key claims it in Redis, runs, and keeps
its answer (status, body, ``Content-Type`` and ``Location``) for ``KEEP_SECONDS`` (24 h); any later request of the
same user with the same key:

- with the same route and body gets that answer again, marked ``Idempotent-Replayed: true``, and nothing runs;
- while the first still runs, gets ``409 idempotency_in_flight`` with ``Retry-After: 1`` (no answer to give yet);
- with another route or body gets ``422`` naming the header (``idempotency_key_reused``): a key names one request.

An answer of 500 or above is not kept: the request failed, or its fate is unknown (the broker went away before the
reply, a service did not answer in time), so the key is released and the retry runs again; nor is a service's 409
saying that its part of the request still runs. Whatever the first
attempt did in a service is not done twice: each call the request makes carries a key of its own
(``rpc_context``), under which the service keeps the reply of a write it completed and replays it
(``carnet_common.replays``).

Cost: nothing without the header; with it, one Redis command to claim (``SET NX GET``: the claim, the replay and the
checks in one round trip) and one to keep the answer or release the key.
"""
import hashlib
import itertools
import json
import re

from flask import Response, current_app, g, has_request_context, request

from carnet_common import redis_keys, replays
from carnet_common.errors import CarnetError, Conflict, InvalidInput
from carnet_gateway import problems

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_LENGTH = 255
VALID_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")   # printable ASCII, no space at either end
KEEP_SECONDS = 24 * 3600
# The claim of a request that is running: longer than any request runs (every RPC waits at most
# RPC_TIMEOUT_SECONDS, and a request makes a few); a gateway worker that died mid-request frees the key after it.
RUNNING_SECONDS = 120
KEPT_HEADERS = ("Content-Type", "Location")
IN_FLIGHT = "in_flight"
# The 409 of a request still running: here, or in a service that holds the call's key (a second delivery of a write
# the broker redelivered while the first still runs, ``carnet_common.replays``). Never kept as an answer.
IN_FLIGHT_CODE = "idempotency_in_flight"

DOCUMENTATION = (
    "Send a key of your own (1 to 255 printable ASCII characters, one per request) to make a retry safe: a "
    "request repeated with the same key and body within 24 hours gets the first answer again "
    f"(`{REPLAYED_HEADER}: true`) and changes nothing more; while the first still runs it is a 409 with "
    "`Retry-After`; the same key with another route or body is a 422 naming the header. Answers of 500 and "
    "above are not kept: retry a 503 or 504 with the same key after its `Retry-After`.")


def applies(operation):
    """``POST`` routes of a signed-in caller take the header (sign-up and logins have no caller to scope it)."""
    from carnet_gateway.api import PUBLIC
    return operation.method == "POST" and operation.auth != PUBLIC


def header_parameter():
    """The header's OpenAPI parameter."""
    return {"in": "header", "name": HEADER, "required": False, "description": DOCUMENTATION,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": f"^{VALID_KEY.pattern}$"}}


def answer(operation, call, respond):
    """``respond()``, the route's answer, unless the request carries a key that was used before (see the module)."""
    key = request.headers.get(HEADER)
    if key is None or not applies(operation):
        return respond()
    if len(key) > MAX_LENGTH or not VALID_KEY.fullmatch(key):
        raise InvalidInput(errors={HEADER: ["idempotency_key_invalid"]}, params={"max": MAX_LENGTH})
    user_id = call.principal["user"]["id"]
    fingerprint = _fingerprint()
    redis = current_app.extensions["carnet.redis"]
    slot = redis_key(user_id, key)
    claim = json.dumps({"state": IN_FLIGHT, "fingerprint": fingerprint})
    previous = redis.set(slot, claim, nx=True, ex=RUNNING_SECONDS, get=True)
    if previous is not None:
        return _again(json.loads(previous), fingerprint)

    digest = hashlib.sha256(f"{slot}\0{fingerprint}".encode()).hexdigest()[:32]
    g.carnet_idempotency = (digest, itertools.count())
    try:
        response = respond()
    except CarnetError as exc:
        if exc.status >= 500 or exc.code == IN_FLIGHT_CODE:   # not a final answer: the retry runs again
            redis.delete(slot)
            raise
        response = problems.from_carnet_error(exc)
    except BaseException:
        redis.delete(slot)
        raise
    finally:
        g.carnet_idempotency = None
    if response.status_code >= 500:
        redis.delete(slot)
        return response
    body = response.get_data(as_text=True)
    kept = {"state": "done", "fingerprint": fingerprint, "status": response.status_code, "body": body,
            "headers": {name: response.headers[name] for name in KEPT_HEADERS
                        if name in response.headers and (body or name != "Content-Type")}}
    redis.set(slot, json.dumps(kept, ensure_ascii=False), ex=KEEP_SECONDS)
    return response


def redis_key(user_id, key):
    """The key's slot: one user's, hashed (a client's key is never a Redis key name)."""
    return f"{redis_keys.prefix()}idem:http:{user_id}:{hashlib.sha256(key.encode()).hexdigest()}"


def rpc_context(service, method):
    """The idempotency key of the next call the current request makes to ``service.method`` (None unless the
    request is keyed): the service keeps the reply of a write it completed under it (``carnet_common.replays``)."""
    current = g.get("carnet_idempotency") if has_request_context() else None
    if not current:
        return None
    digest, counter = current
    return replays.call_key(digest, next(counter), service, method)


def _fingerprint():
    """The request's route and body: the same key for another request is refused. The body is compared as JSON
    (key order and spacing do not matter), or as bytes when it is not JSON."""
    raw = request.get_data(cache=True)
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, RecursionError):
        body = raw
    route = f"{request.method} {request.path}?{request.query_string.decode('latin-1')}"
    return hashlib.sha256(route.encode() + b"\0" + body).hexdigest()


def _again(kept, fingerprint):
    if kept.get("fingerprint") != fingerprint:
        raise InvalidInput("idempotency_key_reused", errors={HEADER: ["idempotency_key_reused"]})
    if kept.get("state") == IN_FLIGHT:
        raise Conflict(IN_FLIGHT_CODE)
    response = Response(kept["body"], status=kept["status"])
    response.headers.pop("Content-Type", None)   # the kept one, or none (a 204)
    for name, value in kept["headers"].items():
        response.headers[name] = value
    response.headers[REPLAYED_HEADER] = "true"
    return response
