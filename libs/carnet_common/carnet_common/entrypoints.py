"""Entrypoint helpers every service uses: ``rpc_method`` and the ``/healthz /readyz /metrics`` mixin."""
import functools
import json
import logging

from marshmallow import ValidationError
from nameko.rpc import rpc
from nameko.web.handlers import http
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.wrappers import Response

from carnet_common.errors import EXPECTED, Conflict, InvalidInput, ServiceUnavailable, flatten_messages

log = logging.getLogger(__name__)

UNIQUE_VIOLATION = "23505"
QUERY_CANCELED = "57014"   # the session's statement timeout (carnet_common.db) ended the statement


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
    return rpc(expected_exceptions=EXPECTED)(wrapper)


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
