"""Documents on S3-compatible storage (DOC-5) and the per-user quota (DOC-2, S-7), through a second gateway process
beside the suite's stack (same services, database, broker and Redis, so the suite's logins work on it), configured as
production would be for S3 (``DOCUMENTS_STORAGE=s3`` against moto's S3 server, started here) and with a tiny
``DOCUMENTS_BYTES_PER_GB`` (1,000 bytes per plan "GB": a team plan's 5 GB is 5,000 bytes) so the quota is tested
without writing gigabytes. ``S3Storage`` itself (multipart above a part, abort past the cap) is tested directly
against the same server."""
import io
import os

import boto3
import pytest
import requests
from conftest import Client, assert_problem, login, ok, sign_up, unique
from moto.server import ThreadedMotoServer
from stack import BIN, ROOT, free_port
from support import system
from support.http import create_user

from carnet_common import storage
from carnet_testing import eventually

BUCKET = "carnet-documents-test"
BYTES_PER_GB = 1000
PDF = b"%PDF-1.7\n" + b"x" * 991  # 1,000 bytes


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    settings = {"DOCUMENTS_STORAGE": "s3", "DOCUMENTS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
                "DOCUMENTS_S3_BUCKET": BUCKET, "DOCUMENTS_S3_REGION": "us-east-1",
                "DOCUMENTS_S3_ACCESS_KEY_ID": "test", "DOCUMENTS_S3_SECRET_ACCESS_KEY": "test"}
    client = boto3.client("s3", endpoint_url=settings["DOCUMENTS_S3_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
    client.create_bucket(Bucket=BUCKET)
    yield settings, client
    server.stop()


@pytest.fixture(scope="module")
def s3_gateway(stack, s3, tmp_path_factory):
    """The URL of a gateway of the suite's system that stores documents on S3, with the tiny quota unit."""
    settings, _ = s3
    port = free_port()
    env = dict(stack.env, CARNET_SERVICE="gateway", GATEWAY_BIND=f"127.0.0.1:{port}", GATEWAY_WORKERS="1",
               PROMETHEUS_MULTIPROC_DIR=str(tmp_path_factory.mktemp("metrics")),
               DOCUMENTS_BYTES_PER_GB=str(BYTES_PER_GB), **settings)
    process = stack._spawn("gateway-s3", [str(BIN / "gunicorn"), "-c", str(ROOT / "gateway/gunicorn.conf.py"),
                                          "carnet_gateway.app:create_app()"], env)
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return requests.get(url + "/readyz", timeout=3).status_code == 200
        except requests.RequestException:
            return False
    eventually(ready, timeout=60, interval=0.2, what="the S3 gateway ready")
    yield url
    stack.stop_process(process)
    stack.processes.remove(process)


def _objects(client):
    return {o["Key"]: o["Size"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def _upload(client, name, content):
    return client.post("/documents", files={"file": (name, content)})


def test_upload_download_and_delete_go_through_s3(s3, s3_gateway, stack):
    _, client = s3
    admin, _ = sign_up(s3_gateway, client_class=Client)
    document = ok(_upload(admin, "offre.pdf", PDF), 201)
    key = system.rows(stack, "SELECT storage_key FROM contacts.documents WHERE id = :id", id=document["id"])[0][0]
    assert _objects(client)[key] == len(PDF)
    download = admin.get(f"/documents/{document['id']}/content")
    assert download.content == PDF and download.headers["X-Content-Type-Options"] == "nosniff"
    ok(admin.delete(f"/documents/{document['id']}"), 204)
    assert key not in _objects(client)


def test_past_the_quota_413_names_quota_and_usage_and_nothing_stays(s3, s3_gateway, stack):
    _, client = s3
    admin, _ = sign_up(s3_gateway, client_class=Client)
    for index in range(5):  # team plan (the default): 5 "GB" of 1,000 bytes
        ok(_upload(admin, f"f{index}.pdf", PDF), 201)
    objects = _objects(client)
    body = assert_problem(_upload(admin, "one-too-many.pdf", PDF), 413, code="storage_quota_exceeded")
    assert (body["quota"], body["usage"], body["size"]) == (5000, 5000, 1000)
    assert "5000" in body["detail"]
    assert _objects(client) == objects  # the bytes written before the refusal were deleted
    assert ok(admin.get("/documents/usage")) == {"usage": 5000, "quota": 5000}
    # another user of the organization has a quota of their own (DOC-2: per uploading user)
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": {"documents": {
        "read": True, "write": True, "delete": False, "export": False}}, "fields": {}}))
    user = create_user(admin, role_id=role["id"])
    other = Client(s3_gateway, token=login(s3_gateway, user["username"]))
    ok(_upload(other, "theirs.pdf", PDF), 201)
    assert ok(other.get("/documents/usage")) == {"usage": 1000, "quota": 5000}
    # deleting one releases its size
    first = next(d for d in ok(admin.get("/documents")) if d["uploaded_by"] != user["id"])
    ok(admin.delete(f"/documents/{first['id']}"), 204)
    ok(_upload(admin, "fits-again.pdf", PDF), 201)


def test_s3_storage_uploads_in_parts_and_aborts_past_its_cap(s3):
    settings, client = s3
    store = storage.S3Storage(BUCKET, endpoint_url=settings["DOCUMENTS_S3_ENDPOINT_URL"], region="us-east-1",
                              access_key_id="test", secret_access_key="test", part_size=5 * 1024 * 1024)
    content = os.urandom(11 * 1024 * 1024)  # three parts
    key = storage.new_key("org-test")
    assert store.put(key, io.BytesIO(content), limit=20 * 1024 * 1024) == len(content)
    assert b"".join(store.open(key)) == content
    assert store.size(key) == len(content)
    over = storage.new_key("org-test")
    with pytest.raises(storage.TooLarge):
        store.put(over, io.BytesIO(content), limit=10 * 1024 * 1024)
    assert over not in _objects(client)
    assert client.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    store.delete(key)
    with pytest.raises(storage.Missing):
        store.open(key)


def test_a_storage_failure_is_a_503_and_registers_nothing(s3, s3_gateway, stack):
    _, client = s3
    admin, _ = sign_up(s3_gateway, client_class=Client)
    for key in _objects(client):
        client.delete_object(Bucket=BUCKET, Key=key)
    client.delete_bucket(Bucket=BUCKET)  # the object store refuses every write
    try:
        response = _upload(admin, "offre.pdf", PDF)
        assert_problem(response, 503)
        assert response.headers["Retry-After"]
        assert ok(admin.get("/documents")) == []
        assert ok(admin.get("/documents/usage"))["usage"] == 0
    finally:
        client.create_bucket(Bucket=BUCKET)
