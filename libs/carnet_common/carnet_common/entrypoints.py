"""Entrypoint helpers every service uses: ``rpc_method`` and the ``/healthz /readyz /metrics`` mixin."""
import functools
import json
import logging
import sys

import kombu.serialization
from marshmallow import ValidationError
from nameko.constants import AMQP_SSL_CONFIG_KEY, AMQP_URI_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY
from nameko.exceptions import UnserializableValueError, serialize
from nameko.rpc import Responder, Rpc, get_rpc_exchange, rpc
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.wrappers import Response

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

    def send_response(self, result, exc_info):
        error = serialize(exc_info[1]) if exc_info is not None else None
        serializer = kombu.serialization.registry.type_to_name[self.message.properties["content_type"]]
        try:
            content_type, encoding, body = kombu.serialization.dumps({"result": result, "error": error}, serializer)
        except Exception:  # noqa: BLE001 - nameko's guard: a result that cannot be sent is the caller's error
            exc_info = sys.exc_info()
            error, result = serialize(UnserializableValueError(result)), None
            content_type, encoding, body = kombu.serialization.dumps({"result": None, "error": error}, serializer)
        publisher = self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method)
        publisher.publish(body, content_type=content_type, content_encoding=encoding, use_confirms=False,
                          exchange=self.exchange, routing_key=self.message.properties["reply_to"],
                          correlation_id=self.message.properties.get("correlation_id"))
        return result, exc_info


class CarnetRpc(Rpc):
    """nameko's ``rpc`` entrypoint replying through ``ReplyResponder``."""

    def handle_result(self, message, worker_ctx, result, exc_info):
        config = self.container.config
        responder = ReplyResponder(
            config[AMQP_URI_CONFIG_KEY], get_rpc_exchange(config), None, message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY), login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        result, exc_info = responder.send_response(result, exc_info)
        self.rpc_consumer.queue_consumer.ack_message(message)
        return result, exc_info


def rpc_method(fn=None, *, read_only=False):
    """``@rpc`` whose library errors become Carnet errors at the service's edge.

    marshmallow ``ValidationError`` → ``InvalidInput`` with flattened field paths; a unique violation →
    ``Conflict``; a statement stopped by the statement timeout → ``ServiceUnavailable("query_too_slow")`` (503:
    the caller may narrow the request and retry). Carnet errors are ``expected_exceptions`` (logged as
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
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == QUERY_CANCELED:
                log.warning("statement timeout in %s", fn.__name__)
                raise ServiceUnavailable("query_too_slow") from None
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
