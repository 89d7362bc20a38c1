"""What the gateway does on every request, kept cheap (issue 9 §3): kombu's librabbitmq probe fails at once instead
of searching sys.path at each publish (cut 9)."""
import importlib.machinery

import kombu.transport

import carnet_gateway.rpc  # noqa: F401 - what the gateway imports before its first RPC


def test_kombu_looks_for_librabbitmq_on_no_path(monkeypatch):
    searched = []
    find_spec = importlib.machinery.PathFinder.find_spec

    def recording(name, *args, **kwargs):
        searched.append(name)
        return find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.machinery.PathFinder, "find_spec", recording)
    assert not kombu.transport.supports_librabbitmq()
    assert "librabbitmq" not in searched

