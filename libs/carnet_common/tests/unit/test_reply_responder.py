"""RPC replies: serialized once, published without a publisher confirm, to the caller's reply queue (issue 9 §3,
cut 11). The publisher is a recording stand-in; tests/e2e* run the real broker path."""
import json

import kombu.exceptions
import kombu.serialization
import pytest
from nameko.exceptions import UnserializableValueError

from carnet_common.entrypoints import ReplyResponder


class RecordingPublisher:
    published = []

    def __init__(self, amqp_uri, **options):
        self.amqp_uri = amqp_uri

    def publish(self, payload, **options):
        self.published.append((payload, options))


class Message:
    properties = {"content_type": "application/json", "reply_to": "rpc.reply-caller-1", "correlation_id": "c-7"}


@pytest.fixture
def responder(monkeypatch):
    RecordingPublisher.published = []
    monkeypatch.setattr(ReplyResponder, "publisher_cls", RecordingPublisher)
    return ReplyResponder("amqp://x", "nameko-rpc", None, Message())


def test_a_reply_is_serialized_once_and_published_without_a_confirm(responder, monkeypatch):
    calls = []
    dumps = kombu.serialization.dumps
    monkeypatch.setattr(kombu.serialization, "dumps", lambda *a, **k: calls.append(a) or dumps(*a, **k))
    result, exc_info = responder.send_response({"id": "x", "names": ["é"]}, None)
    assert (result, exc_info) == ({"id": "x", "names": ["é"]}, None)
    assert len(calls) == 1
    [(body, options)] = RecordingPublisher.published
    assert json.loads(body) == {"result": {"id": "x", "names": ["é"]}, "error": None}
    assert options["use_confirms"] is False
    assert options["content_type"] == "application/json"
    assert (options["routing_key"], options["correlation_id"], options["exchange"]) == (
        "rpc.reply-caller-1", "c-7", "nameko-rpc")


def test_an_error_travels_as_nameko_serializes_it(responder):
    error = ValueError("bad")
    responder.send_response(None, (ValueError, error, None))
    [(body, _)] = RecordingPublisher.published
    assert json.loads(body)["error"]["exc_type"] == "ValueError"
    assert json.loads(body)["result"] is None


def test_a_result_that_cannot_be_serialized_becomes_nameko_s_unserializable_error(responder):
    result, exc_info = responder.send_response({"when": object()}, None)
    assert result is None and exc_info[0] is kombu.exceptions.EncodeError
    [(body, _)] = RecordingPublisher.published
    assert json.loads(body)["error"]["exc_type"] == UnserializableValueError.__name__
