"""A long-lived RPC proxy per gateway thread, with a timeout on every call.

One ``ClusterRpcProxy`` per request costs an AMQP connection and a reply queue (tens of requests per
second); a started proxy per thread reaches the box's RPC ceiling (docs/performance.md §5). nameko's
standalone proxy is single-threaded, hence thread-local. Failures become Carnet errors: no route or no
broker → 503, timeout → 504 (or 503 when the service has no consumer at all), a bug in a service → 502.
"""
import logging
import sys
import threading

from amqp.exceptions import ConnectionError as AmqpConnectionError
from kombu import Connection
from kombu.exceptions import OperationalError as KombuOperationalError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from nameko.standalone.rpc import ClusterRpcProxy

from carnet_common import replays
from carnet_common.context import get_request_id
from carnet_common.errors import CarnetError, ServiceUnavailable
from carnet_gateway import idempotency

log = logging.getLogger(__name__)
# kombu tries ``import librabbitmq`` for every Connection it builds outside eventlet, and nameko's producer pool
# builds one per publish: the failed import walked sys.path at every RPC (5.6 % of the gateway workers' CPU, issue 9
# §3 cut 9). A None entry makes that import fail at once; we use py-amqp, never librabbitmq.
sys.modules.setdefault("librabbitmq", None)
TRANSPORT_ERRORS = (OSError, KombuOperationalError, AmqpConnectionError)


class GatewayTimeout(CarnetError):
    status = 504
    slug = "timeout"
    default_code = "rpc_timeout"


class BadGateway(CarnetError):
    status = 502
    slug = "bad-gateway"
    default_code = "bad_gateway"


class RpcClient:
    def __init__(self, amqp_uri, timeout):
        self.config = {"AMQP_URI": amqp_uri, "serializer": "json"}
        self.timeout = timeout
        self._local = threading.local()

    def _proxy(self):
        held = getattr(self._local, "held", None)
        if held is None:
            standalone = ClusterRpcProxy(self.config, timeout=self.timeout)
            held = self._local.held = (standalone, standalone.start())
        return held

    def _discard(self):
        held = getattr(self._local, "held", None)
        self._local.held = None
        if held is not None:
            try:
                held[0].stop()
            except Exception:  # noqa: BLE001 - a broken proxy is dropped whatever its state
                log.debug("discarding a broken RPC proxy", exc_info=True)

    def call(self, service, method, *args, **kwargs):
        try:
            standalone, proxy = self._proxy()
            context = standalone._worker_ctx.data
            context["request_id"] = get_request_id()
            # A keyed request (Idempotency-Key) gives each call a key the service keeps its reply under; never
            # left in the thread's context for the next request's calls.
            key = idempotency.rpc_context(service, method)
            if key is None:
                context.pop(replays.CONTEXT_KEY, None)
            else:
                context[replays.CONTEXT_KEY] = key
            return getattr(getattr(proxy, service), method)(*args, **kwargs)
        except CarnetError:
            raise
        except UnknownService:
            raise ServiceUnavailable("service_unavailable", params={"service": service}) from None
        except RpcTimeout:
            self._discard()
            if not self.has_consumers(service):
                raise ServiceUnavailable("service_unavailable", params={"service": service}) from None
            raise GatewayTimeout(params={"service": service}) from None
        except RemoteError as exc:
            log.error("unexpected error in %s.%s: %s", service, method, exc)
            raise BadGateway(params={"service": service}) from None
        except TRANSPORT_ERRORS as exc:
            self._discard()
            log.warning("broker unreachable for %s.%s: %s", service, method, exc)
            raise ServiceUnavailable("service_unavailable", params={"service": "rabbitmq"}) from None

    def has_consumers(self, service):
        """Whether any instance of ``service`` listens for RPC (a passive queue declare)."""
        try:
            with Connection(self.config["AMQP_URI"], connect_timeout=2) as conn:
                channel = conn.channel()
                _, _, consumers = channel.queue_declare(f"rpc-{service}", passive=True)
                channel.close()
                return consumers > 0
        except Exception:  # noqa: BLE001 - unknown queue, no broker: nobody is listening
            return False
