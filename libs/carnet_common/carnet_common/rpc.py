"""Calls from one service to another, each with a timeout of its own.

nameko's in-service ``RpcProxy`` waits for a reply with no timeout (nameko#504; docs/stack-facts.md): a service
that stops answering would hold the caller's worker, and the gateway's request above it, for ever. ``ServiceRpc`` is
that proxy with a bound on the wait, as a ``DependencyProvider``: declared on a service class
(``opportunities = ServiceRpc("opportunities", timeout=3)``) it gives each worker a proxy whose calls
(``self.opportunities.dependents_of(...)``) return the remote result, or raise ``RpcTimeout`` once ``timeout``
seconds have passed without a reply. Entrypoints pass the proxy to the use cases that need it, so their unit tests
pass a hand-written fake with the same methods instead.

Underneath it is nameko's own proxy: one reply queue per service process (not an AMQP connection per call as a
``ClusterRpcProxy`` opens), the worker's context (the request id) carried with every call, ``UnknownService`` at
once when no instance of the target consumes its queue, and the target's Carnet errors arriving as themselves.
nameko sends every entry of the worker's context data as a message header, so providers keep their own state
elsewhere (``carnet_common.db.Database`` keeps its sessions by worker).
Only the wait for the reply is bounded: the publish (a broker confirm on a connection of the pool) is not cut
short, since interrupting an AMQP frame half written would break the pooled connection. A reply arriving after
its caller gave up is dropped by nameko's reply listener.
"""
import eventlet
from nameko.exceptions import RpcTimeout
from nameko.rpc import RpcProxy

__all__ = ["RpcTimeout", "ServiceRpc", "TimedProxy"]


class ServiceRpc(RpcProxy):
    """``ServiceRpc(target_service, timeout=seconds)``: the worker's ``TimedProxy`` to ``target_service``."""

    def __init__(self, target_service, *, timeout, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        return TimedProxy(super().get_dependency(worker_ctx), timeout=self.timeout)


class TimedProxy:
    """``proxy.method(*args, **kwargs)``: the remote method's result, ``RpcTimeout`` after ``timeout`` seconds.

    ``service_proxy`` is what nameko's ``RpcProxy`` gives a worker: its methods have ``call_async`` returning a
    reply whose ``result()`` waits (green) for the answer.
    """

    def __init__(self, service_proxy, *, timeout):
        self.service_proxy = service_proxy
        self.timeout = timeout

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self.service_proxy, name)
        target = f"{self.service_proxy.service_name}.{name}"

        def call(*args, **kwargs):
            reply = method.call_async(*args, **kwargs)
            timer = eventlet.Timeout(self.timeout)
            try:
                return reply.result()
            except eventlet.Timeout as exc:
                if exc is not timer:
                    raise
                raise RpcTimeout(f"{target}: no reply in {self.timeout} s") from None
            finally:
                timer.cancel()
        call.__name__ = name
        return call
