"""Entrypoint helpers every service uses: ``rpc_method`` and the ``/healthz /readyz /metrics`` mixin."""
import functools
import json
import logging
import sys

import kombu.serialization
import psycopg
from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu.exceptions import OperationalError as KombuOperationalError
from marshmallow import ValidationError
from nameko.constants import AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY
from nameko.containers import ContainerBeingKilled
from nameko.exceptions import MalformedRequest, UnserializableValueError, serialize
from nameko.rpc import Responder, Rpc, get_rpc_exchange, rpc
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.wrappers import Response

from carnet_common import db, replays
from carnet_common.errors import EXPECTED, Conflict, InvalidInput, ServiceUnavailable, flatten_messages

log = logging.getLogger(__name__)

UNIQUE_VIOLATION = "23505"
QUERY_CANCELED = "57014"   # the session's statement timeout (carnet_common.db) ended the statement


class ReplyResponder(Responder):
    """nameko's reply, published without a publisher confirm and serialized once.

    Why no confirm is safe for a reply (the request keeps nameko's: the caller needs its confirm to learn at once
    that no service consumes the queue, ``UnknownService``): the reply goes to the caller's own reply queue and
    nothing but that caller waits for it. A confirm only turned a publish the broker did not take into an
    exception, after the work was done; nameko then left the request unacknowledged and it was delivered again,
    so a write could run twice. Without it, a reply lost with a broken connection leaves the caller to its
    timeout (the gateway's 504, ``ServiceRpc``'s ``RpcTimeout``), as a reply lost any other way would, and the
    request is acknowledged once. The confirm cost a wait for the broker's answer in every worker and RabbitMQ's
    work to send it (issue 9 §3, cut 11).

    nameko's ``Responder`` also serialized every result twice (a trial ``dumps`` of the result, then the
    payload): the payload is serialized once here, and an unserializable result becomes the same
    ``UnserializableValueError`` reply nameko sends."""

    def send_response(self, result, exc_info, *, replays_key=None, replays_store=None):
        """Serialize and publish the reply. With ``replays_key`` (a keyed write, ``carnet_common.replays``) the
        reply of a success is kept before it is published, and the claim of a failure released."""
        error = serialize(exc_info[1]) if exc_info is not None else None
        serializer = kombu.serialization.registry.type_to_name[self.message.properties["content_type"]]
        try:
            content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
        except Exception:  # noqa: BLE001 - nameko's guard: a result that cannot be sent is the caller's error
            exc_info = sys.exc_info()
            error, result = serialize(UnserializableValueError(result)), None
            content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
        if replays_key is not None:
            if exc_info is None:
                replays_store.complete(replays_key, content_type, encoding, body)
            else:
                replays_store.release(replays_key)
        self.publish(content_type, encoding, body)
        return result, exc_info

    def publish(self, content_type, encoding, body):
        """Publish a serialized reply. A broker that went away meanwhile loses the reply, not the process: nameko
        let the publish error end the service (issue 10 §4: a broker restart stopped contacts, and every write
        after it was a 503). The caller has given up on this connection anyway (its call failed with the broker,
        or times out); the write stays done, and a keyed retry finds its kept reply."""
        publisher = self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method)
        try:
            publisher.publish(body, content_type=content_type, content_encoding=encoding, use_confirms=False,
                              exchange=self.exchange, routing_key=self.message.properties["reply_to"],
                              correlation_id=self.message.properties.get("correlation_id"))
        except BROKER_ERRORS as exc:
            log.warning("the reply to %s was lost with the broker connection: %s",
                        self.message.properties.get("reply_to"), exc)


BROKER_ERRORS = (KombuOperationalError, AmqpConnectionError, OSError)


class CarnetRpc(Rpc):
    """nameko's ``rpc`` entrypoint replying through ``ReplyResponder``; a write whose call carries an idempotency
    key runs once however often it is delivered or retried (``carnet_common.replays``)."""

    replays = replays.Replays()   # one Redis client per process, made on first use

    def _responder(self, message):
        config = self.container.config
        return ReplyResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config), None, message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))

    def _replays_key(self, message):
        """The call's idempotency key when it names this method and the method writes, else None."""
        key = (message.headers or {}).get(f"nameko.{replays.CONTEXT_KEY}")
        if not replays.applies_to(key, self.container.service_name, self.method_name):
            return None
        method = getattr(self.container.service_cls, self.method_name, None)
        return None if getattr(method, "carnet_read_only", False) else key

    def handle_message(self, body, message):
        """nameko's, with the claim of a keyed write before its worker starts: a reply kept from an earlier
        delivery is published again instead of running the method twice."""
        key = self._replays_key(message)
        if key is None:
            return super().handle_message(body, message)
        state, kept = self.replays.claim(key)
        if state == "done":
            log.info("replaying the kept reply of %s", key.rsplit(":", 1)[-1])
            self._responder(message).publish(*kept)
            self.rpc_consumer.queue_consumer.ack_message(message)
            return None
        if state == replays.RUNNING:
            error = Conflict("idempotency_in_flight")
            self._responder(message).send_response(None, (type(error), error, None))
            self.rpc_consumer.queue_consumer.ack_message(message)
            return None
        try:
            if "args" not in body or "kwargs" not in body:
                raise MalformedRequest("Message missing `args` or `kwargs`")
            args, kwargs = body["args"], body["kwargs"]
            self.check_signature(args, kwargs)
            self.container.spawn_worker(self, args, kwargs, context_data=self.unpack_message_headers(message),
                                        handle_result=functools.partial(self.handle_result, message))
        except ContainerBeingKilled:   # nameko's: another instance takes it (no claim left behind for it to meet)
            self.replays.release(key)
            self.rpc_consumer.requeue_message(message)
        except BaseException:          # a malformed call: nameko's consumer replies with the error
            self.replays.release(key)
            raise
        return None

    def handle_result(self, message, worker_ctx, result, exc_info):
        key = self._replays_key(message)
        result, exc_info = self._responder(message).send_response(
            result, exc_info, replays_key=key, replays_store=self.replays)
        self.rpc_consumer.queue_consumer.ack_message(message)
        return result, exc_info


def rpc_method(fn=None, *, read_only=False):
    """``@rpc`` whose library errors become Carnet errors at the service's edge.

    marshmallow ``ValidationError`` → ``InvalidInput`` with flattened field paths; a unique violation →
    ``Conflict``; a statement stopped by the statement timeout → ``ServiceUnavailable("query_too_slow")`` (503:
    the caller may narrow the request and retry); the database unreachable or restarting (``db.is_outage``) →
    ``ServiceUnavailable("database_unavailable")`` (503 with ``Retry-After``: the request rolled back, a retry is
    safe; issue 10 §4, it was a 502 as if a bug). Carnet errors are ``expected_exceptions`` (logged as
    such, not as bugs).

    ``@rpc_method(read_only=True)``: the method never writes, and its ``db`` session runs its statements without a
    transaction (``carnet_common.db.Database``: no ``BEGIN``/``ROLLBACK`` round trips; each statement its own
    snapshot, so declare only reads that are one statement or need no common snapshot).
    """
    if fn is None:
        return functools.partial(rpc_method, read_only=read_only)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValidationError as exc:
            raise InvalidInput(errors=flatten_messages(exc.messages)) from None
        except IntegrityError as exc:
            if getattr(exc.orig, "sqlstate", None) == UNIQUE_VIOLATION:
                raise Conflict("conflict") from None
            raise
        except (DBAPIError, PoolTimeout, psycopg.Error) as exc:
            if isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", None) == QUERY_CANCELED:
                log.warning("statement timeout in %s", fn.__name__)
                raise ServiceUnavailable("query_too_slow") from None
            if db.is_outage(exc):
                log.warning("database unavailable in %s: %s", fn.__name__, str(exc).splitlines()[0])
                raise ServiceUnavailable("database_unavailable") from None
            raise
    wrapper.carnet_read_only = read_only
    return CarnetRpc.decorator(expected_exceptions=EXPECTED)(wrapper)


def _json(status, payload):
    return Response(json.dumps(payload), status=status, mimetype="application/json")


class OpsEndpoints:
    """Mixed into every service class (which names its ``Database`` dependency ``db``).

    Served by nameko's web server on ``WEB_SERVER_ADDRESS``.
    """

    @rpc
    def ping(self):
        """The gateway's readiness probe: the service answers RPC."""
        return "pong"

    @http("GET", "/healthz")
    def healthz(self, request):
        return _json(200, {"status": "ok"})

    @http("GET", "/readyz")
    def readyz(self, request):
        try:
            self.db.execute(text("SELECT 1"))
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            log.warning("readiness: database unreachable: %s", exc)
            return _json(503, {"status": "unavailable", "database": "unreachable"})
        return _json(200, {"status": "ok", "database": "ok"})

    @http("GET", "/metrics")
    def metrics(self, request):
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
