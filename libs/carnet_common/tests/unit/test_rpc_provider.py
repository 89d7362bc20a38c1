"""``ServiceRpc``: calls to another service with a timeout of their own (nameko's in-service proxy has none).

The proxy is driven with a hand-written stand-in for what nameko's ``RpcProxy`` gives a worker (methods with
``call_async`` returning a reply whose ``result()`` waits green), so no broker is needed.
"""
import time

import eventlet
import pytest
from nameko.containers import ServiceContainer, WorkerContext
from nameko.rpc import ReplyListener, RpcProxy, rpc

from carnet_common.errors import NotFound
from carnet_common.rpc import RpcTimeout, ServiceRpc, TimedProxy


class Reply:
    def __init__(self, answer):
        self.answer = answer

    def result(self):
        if isinstance(self.answer, float):   # a reply that never comes in time
            eventlet.sleep(self.answer)
            return "too late"
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class Method:
    def __init__(self, service, name):
        self.service, self.name = service, name

    def call_async(self, *args, **kwargs):
        self.service.calls.append((self.name, args, kwargs))
        return Reply(self.service.answers[self.name])


class FakeServiceProxy:
    service_name = "opportunities"

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def __getattr__(self, name):
        return Method(self, name)


def test_a_call_answered_in_time_returns_the_remote_result():
    remote = FakeServiceProxy(dependents_of={"tasks": [1]})
    proxy = TimedProxy(remote, timeout=1)
    assert proxy.dependents_of({"org_id": "o"}, "contact", record_id="c1") == {"tasks": [1]}
    assert remote.calls == [("dependents_of", ({"org_id": "o"}, "contact"), {"record_id": "c1"})]


def test_a_call_without_a_reply_in_time_raises_rpc_timeout_when_its_time_is_up():
    proxy = TimedProxy(FakeServiceProxy(dependents_of=5.0), timeout=0.05)
    started = time.monotonic()
    with pytest.raises(RpcTimeout) as caught:
        proxy.dependents_of("x")
    assert time.monotonic() - started < 1
    assert "opportunities.dependents_of" in str(caught.value)


def test_the_remote_services_errors_arrive_as_themselves():
    with pytest.raises(NotFound):
        TimedProxy(FakeServiceProxy(dependents_of=NotFound()), timeout=1).dependents_of("x")


def test_an_outer_timeout_is_not_mistaken_for_the_calls_own():
    """A deadline of the caller's (shorter than the call's) stays the caller's: it is not an RpcTimeout."""
    proxy = TimedProxy(FakeServiceProxy(dependents_of=5.0), timeout=2)
    outer = eventlet.Timeout(0.05)
    with pytest.raises(eventlet.Timeout) as caught:
        try:
            proxy.dependents_of("x")
        finally:
            outer.cancel()
    assert caught.value is outer


class Caller:
    name = "caller"
    opportunities = ServiceRpc("opportunities", timeout=3)

    @rpc
    def ping(self):
        return "pong"


def _worker_proxy(**data):
    container = ServiceContainer(Caller, {"AMQP_URI": "memory://"})
    [provider] = [d for d in container.dependencies if isinstance(d, ServiceRpc)]
    [entrypoint] = container.entrypoints
    return provider, provider.get_dependency(WorkerContext(container, Caller, entrypoint, data=data))


def test_the_provider_is_nameko_s_proxy_with_a_reply_listener_and_gives_workers_a_timed_proxy():
    provider, proxy = _worker_proxy()
    assert isinstance(provider, RpcProxy) and isinstance(provider.rpc_reply_listener, ReplyListener)
    assert isinstance(proxy, TimedProxy) and proxy.timeout == 3
    assert proxy.service_proxy.service_name == "opportunities"


def test_calls_carry_the_worker_s_request_id():
    _, proxy = _worker_proxy(request_id="r-1", language="fr")
    method = proxy.service_proxy.dependents_of
    headers = method.get_message_headers(method.worker_ctx)
    assert headers["nameko.request_id"] == "r-1" and headers["nameko.language"] == "fr"
    assert "nameko.call_id_stack" in headers
