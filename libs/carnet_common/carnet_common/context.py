"""The request id of the work in progress, for logs, RPC headers and outbox rows.

Under eventlet, ``threading.local`` is patched to be greenlet-local, so each nameko worker has its own.
In the gateway (real threads) it is thread-local, one request per thread at a time.
"""
import threading
import uuid

from nameko.extensions import DependencyProvider

_local = threading.local()


def new_request_id():
    return uuid.uuid4().hex


def get_request_id():
    return getattr(_local, "request_id", None)


def set_request_id(value):
    _local.request_id = value


class RequestContext(DependencyProvider):
    """Copies the caller's ``request_id`` (a nameko context header) into the worker's log context."""

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get("request_id")

    def worker_setup(self, worker_ctx):
        set_request_id(worker_ctx.data.get("request_id") or new_request_id())

    def worker_teardown(self, worker_ctx):
        set_request_id(None)
