"""Multipart bodies declared with ``api.route(..., upload=Upload(...))`` (api.py): authorized before a byte is read,
parsed by werkzeug under the route's own limit (413 past it, the file spooled to disk), loaded by the text parts'
schema (422 naming the part), and documented by ``build_spec`` from the same declaration (openapi.py)."""
import io
import json

import pytest
from conftest import principal, registry_app, sign_in
from flask import Flask
from marshmallow import fields, validate
from werkzeug.test import EnvironBuilder, run_wsgi_app

from carnet_common.contracts import Contract
from carnet_gateway import api as api_module
from carnet_gateway import auth
from carnet_gateway.api import PREFIX, Api, Need, Upload, When
from carnet_gateway.openapi import build_spec

MARGIN = 1024


class Parts(Contract):
    kind = fields.String(required=True, validate=validate.OneOf(["a", "b"]))
    note = fields.String(validate=validate.Length(min=1, max=10))


def _refuse_readers(who):
    """The declaration's ``before``: a caller without ``things.write`` is refused before the body is read."""
    auth.require(who, "things", "write")


UPLOAD = Upload(max_bytes=lambda settings: settings.max_body_bytes * 2, form=Parts, margin=MARGIN,
                before=_refuse_readers, not_multipart="thing_not_multipart", too_large="body_too_large",
                file_missing="thing_file_missing", file_missing_code="thing_file_missing",
                description="The thing's file.")


@pytest.fixture
def registry():
    registry = Api()
    registry.seen = []

    @registry.route("/things", "POST", upload=UPLOAD, status=201, summary="Upload", tags=("things",),
                    permission=[("things", "read"),
                                Need("others", "write", When("`kind` is b", lambda call: call.body["kind"] == "b"))])
    def upload(call):
        file = call.body["file"]
        registry.seen.append({**call.body, "file": (file.filename, file.stream.read(), type(file.stream))})
        return {"ok": True}

    return registry


@pytest.fixture
def app(registry, redis, rpc):
    return registry_app(registry, redis, rpc)   # MAX_CONTENT_LENGTH unset: the declaration's limit is the one


class Tracked(io.BytesIO):
    """A request body that counts what the server read of it."""
    taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.taken += count
        return count


def _multipart(file=b"content", filename="f.txt", **parts):
    body = b""
    for name, value in parts.items():
        body += f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    if file is not None:
        body += (f'--b\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 'Content-Type: application/octet-stream\r\n\r\n').encode() + file + b"\r\n"
    return body + b"--b--\r\n"


def _post(client, body, **kwargs):
    stream = Tracked(body)
    response = client.post("/api/v1/things", input_stream=stream, content_length=len(body),
                           content_type="multipart/form-data; boundary=b", **kwargs)
    return response, stream


def test_the_body_is_read_only_once_the_caller_is_authenticated_and_authorized(client, redis, rpc, registry):
    body = _multipart(kind="a")
    response, stream = _post(client, body)
    assert response.status_code == 401 and stream.taken == 0
    sign_in(client, redis, rpc, things=("write",))                 # no things.read: the route's permission
    response, stream = _post(client, body)
    assert response.status_code == 403 and stream.taken == 0
    sign_in(client, redis, rpc, things=("read",))                  # no things.write: the upload's ``before``
    response, stream = _post(client, body)
    assert response.status_code == 403 and stream.taken == 0
    assert registry.seen == []
    sign_in(client, redis, rpc, things=("read", "write"))
    response, stream = _post(client, body)
    assert response.status_code == 201 and stream.taken == len(body)
    assert registry.seen == [{"kind": "a", "file": ("f.txt", b"content", registry.seen[0]["file"][2])}]


def test_a_conditional_permission_reads_the_loaded_parts(client, redis, rpc, registry):
    sign_in(client, redis, rpc, things=("read", "write"))
    response, _ = _post(client, _multipart(kind="b"))
    assert response.status_code == 403 and response.json["code"] == "missing_permission"
    assert registry.seen == []
    sign_in(client, redis, rpc, things=("read", "write"), others=("write",))
    assert _post(client, _multipart(kind="b"))[0].status_code == 201


def test_past_the_declared_limit_is_413_and_the_parser_stops_reading(app, client, redis, rpc, registry):
    sign_in(client, redis, rpc, things=("read", "write"))
    limit = 2048 * 2                                                 # the settings' max_body_bytes × 2
    assert _post(client, _multipart(b"x" * limit, kind="a"))[0].status_code == 201  # the limit itself is taken

    big = _multipart(b"y" * (1024 * 1024), kind="a")
    response, stream = _post(client, big)                           # its Content-Length says it: nothing read
    assert response.status_code == 413 and stream.taken == 0
    assert response.json["code"] == "body_too_large" and f"{limit} bytes" in response.json["detail"]
    stream = Tracked(big)                                           # chunked, no length: read up to the limit
    environ = EnvironBuilder("/api/v1/things", method="POST", input_stream=stream,
                             content_type="multipart/form-data; boundary=b").get_environ()
    del environ["CONTENT_LENGTH"]
    environ.update({"wsgi.input_terminated": True, "HTTP_AUTHORIZATION": "Bearer tok"})
    body, status, _ = run_wsgi_app(app, environ, buffered=True)   # as a server gives it (no test client's length)
    assert status.startswith("413") and json.loads(b"".join(body))["code"] == "body_too_large"
    assert 0 < stream.taken < limit + MARGIN + 128 * 1024, "the parser stops reading past the limit"
    assert len(registry.seen) == 1


def test_a_large_file_is_spooled_to_disk_not_held_in_memory(app, client, redis, rpc, registry):
    app.config["CARNET"] = app.config["CARNET"].__class__(**{**vars(app.config["CARNET"]),
                                                             "max_body_bytes": 1024 * 1024})
    sign_in(client, redis, rpc, things=("read", "write"))
    content = b"z" * (600 * 1024)                                     # past werkzeug's in-memory threshold
    response, _ = _post(client, _multipart(content, kind="a"))
    assert response.status_code == 201
    filename, read, stream_type = registry.seen[0]["file"]
    assert read == content and not issubclass(stream_type, io.BytesIO)


@pytest.mark.parametrize(("body", "content_type", "status", "code", "fields_named"), [
    (b'{"kind": "a"}', "application/json", 415, "thing_not_multipart", None),
    (_multipart(None, kind="a"), None, 422, "thing_file_missing", ["file"]),
    (_multipart(filename="", kind="a"), None, 422, "thing_file_missing", ["file"]),
    (_multipart(kind="c"), None, 422, "invalid_input", ["kind"]),
    (_multipart(), None, 422, "invalid_input", ["kind"]),
    (_multipart(kind="a", note="x" * 11), None, 422, "invalid_input", ["note"]),
    (_multipart(kind="a", other="1"), None, 422, "invalid_input", ["other"]),
    (_multipart(kind="a", csrf_token="t"), None, 422, "invalid_input", ["csrf_token"]),  # a page's, not the API's
    (_multipart(None, kind="c"), None, 422, "invalid_input", ["file", "kind"]),
    (_multipart(kind="a\x00"), None, 422, "invalid_input", ["kind"]),
], ids=["json", "no-file", "no-filename", "bad-part", "missing-part", "long-part", "unknown-part", "page-field",
        "file-and-part", "nul"])
def test_bad_bodies_are_refused_naming_the_part(client, redis, rpc, registry, body, content_type, status, code,
                                                fields_named):
    sign_in(client, redis, rpc, things=("read", "write"))
    response = client.post("/api/v1/things", data=body,
                           content_type=content_type or "multipart/form-data; boundary=b")
    assert response.status_code == status, response.json
    assert response.json["code"] == code
    if fields_named is not None:
        assert sorted(response.json["errors"]) == fields_named
    assert registry.seen == []


def test_an_empty_part_counts_as_absent_and_a_page_drops_its_own_fields(registry, redis, rpc):
    operation = registry.operations[0]
    app = Flask(__name__)
    app.config.update(CARNET=registry_app(registry, redis, rpc).config["CARNET"])
    body = _multipart(kind="a", note="", csrf_token="t")
    who = principal(modules={"things": ("read", "write")})
    with app.test_request_context("/app/things", method="POST", data=body,
                                  content_type="multipart/form-data; boundary=b"):
        call = api_module.prepare(operation, who, {}, {}, lambda: pytest.fail("an upload has no JSON body"))
    assert set(call.body) == {"kind", "file"} and call.body["kind"] == "a"


def test_a_route_takes_a_json_body_or_an_upload_not_both():
    with pytest.raises(ValueError, match="not both"):
        Api().route("/x", "POST", body=Parts, upload=UPLOAD, summary="x", tags=("x",))(lambda call: None)


def test_build_spec_documents_the_declared_multipart_body(registry):
    operation = build_spec(registry)["paths"][PREFIX + "/things"]["post"]
    assert list(operation["requestBody"]["content"]) == ["multipart/form-data"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["required"] == ["file", "kind"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary", "description": "The thing's file."}
    assert schema["properties"]["kind"]["enum"] == ["a", "b"]
    assert "minLength" not in schema["properties"]["note"], "an empty part is taken, as absent"
    assert schema["additionalProperties"] is False
    assert {"401", "403", "413", "415", "422"} <= set(operation["responses"])
    assert "400" not in operation["responses"]


def test_the_real_uploads_are_documented_without_a_request():
    """The regression the declaration replaces: the multipart bodies were patched in at the first request."""
    from carnet_gateway import app as _app  # noqa: F401 - importing it declares every route
    document = build_spec(api_module.api)
    imports = document["paths"][PREFIX + "/imports"]["post"]
    body = imports["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file", "record_type"]
    assert body["properties"]["record_type"]["enum"] == ["contact", "account"]
    documents = document["paths"][PREFIX + "/documents"]["post"]
    body = documents["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file"] and body["properties"]["file"]["format"] == "binary"
    assert {"name", "folder_id", "contact_id", "account_id"} <= set(body["properties"])
    assert "104,857,600 bytes" in body["properties"]["file"]["description"]
    for operation in (imports, documents):
        assert {"403", "413", "415", "422"} <= set(operation["responses"])
