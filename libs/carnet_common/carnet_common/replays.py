"""The replies of keyed RPC writes, kept so that doing a write again replays its first reply (issue 10 §4).

A client that retries a ``POST`` with its ``Idempotency-Key`` (the gateway's ``carnet_gateway.idempotency``) may
retry a write that was done: the service committed, then the broker went away before the reply reached the gateway
(the client got a 503 or 504), or the service restarted before acknowledging the request, which RabbitMQ then
delivers again. The gateway cannot know; the service can. For a call that carries an idempotency key in its context
(``CONTEXT_KEY``, one per call the gateway makes for the keyed request: ``<digest>:<n>:<service>.<method>``), the
service's RPC entrypoint (``carnet_common.entrypoints.CarnetRpc``):

- claims the key before running the method (``SET NX``, expiring after ``RUNNING_SECONDS``), so a second delivery
  while the first runs does not run it twice (it answers ``Conflict("idempotency_in_flight")``);
- stores the serialized reply of a method that succeeded (for ``KEEP_SECONDS``, as the gateway keeps the answer)
  before publishing it, so a reply lost on the way is found by the next delivery, which publishes it again instead
  of running the method; a method that failed releases the key (it rolled back: running it again is safe).

One Redis round trip before the method and one after, for keyed writes only (``read_only`` methods and calls
without a key cost nothing). The gap left: a process killed between its commit and the store (microseconds) runs
the write again on a retry. Redis unreachable: the call runs unkeyed (logged), as the gateway needs Redis to
authenticate anyway.
"""
import json
import logging

import redis

from carnet_common import redis_keys

log = logging.getLogger(__name__)

CONTEXT_KEY = "idempotency_key"
RUNNING_SECONDS = 60          # longer than any RPC runs (the statement timeout is 12 s, the gateway waits 10 s)
KEEP_SECONDS = 24 * 3600      # as long as the gateway keeps the answer of a keyed request
RUNNING = "running"


def call_key(digest, n, service, method):
    """The key of the ``n``-th call of a keyed request (``digest`` names the user, the key and the request)."""
    return f"{digest}:{n}:{service}.{method}"


def applies_to(key, service, method):
    """Whether ``key`` was made for a call of ``service.method`` (a call the method makes itself carries its
    worker's context, hence the key, further: the services it calls ignore a key made for another method)."""
    return isinstance(key, str) and key.endswith(f":{service}.{method}")


class Replays:
    """The stored replies of one process (a Redis client made on first use)."""

    def __init__(self, client=None):
        self._client = client

    @property
    def client(self):
        if self._client is None:
            self._client = redis_keys.client()
        return self._client

    @staticmethod
    def _key(key):
        return f"{redis_keys.prefix()}idem:rpc:{key}"

    def claim(self, key):
        """``(None, None)``: claimed, run the method; ``(RUNNING, None)``: another delivery runs it now;
        ``("done", (content_type, encoding, body))``: its reply, to publish again. Redis unreachable: ``(None,
        None)`` too, and the call runs unkeyed."""
        try:
            previous = self.client.set(self._key(key), RUNNING, nx=True, ex=RUNNING_SECONDS, get=True)
        except redis.RedisError as exc:
            log.warning("idempotency store unreachable; the call runs unkeyed: %s", exc)
            return None, None
        if previous is None:
            return None, None
        if previous == RUNNING:
            return RUNNING, None
        stored = json.loads(previous)
        return "done", (stored["content_type"], stored["encoding"], stored["body"])

    def complete(self, key, content_type, encoding, body):
        """Keep the reply of a method that succeeded."""
        if isinstance(body, bytes):
            body = body.decode(encoding or "utf-8")
        value = json.dumps({"content_type": content_type, "encoding": encoding, "body": body})
        try:
            self.client.set(self._key(key), value, ex=KEEP_SECONDS)
        except redis.RedisError as exc:
            log.warning("idempotency store unreachable; the reply of %s is not kept: %s", key, exc)

    def release(self, key):
        """Forget the claim of a method that failed (it rolled back): a retry runs it again."""
        try:
            self.client.delete(self._key(key))
        except redis.RedisError as exc:
            log.warning("idempotency store unreachable; %s stays claimed until it expires: %s", key, exc)
