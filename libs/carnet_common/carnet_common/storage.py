"""Where documents' bytes live (C-21, DOC-5): one small interface, two implementations.

- ``LocalDiskStorage(directory)``: the default (``DOCUMENTS_STORAGE=local``, ``DOCUMENTS_DIR``). A file is written
  to a temporary name in the same directory and renamed when complete, so a reader never sees half a file.
- ``S3Storage(bucket, ...)``: S3-compatible object storage through boto3 (``DOCUMENTS_STORAGE=s3``,
  ``DOCUMENTS_S3_ENDPOINT_URL``, ``DOCUMENTS_S3_BUCKET``, ``DOCUMENTS_S3_REGION``, ``DOCUMENTS_S3_ACCESS_KEY_ID``,
  ``DOCUMENTS_S3_SECRET_ACCESS_KEY``). Up to one part (``part_size``, 8 MB) it is one ``PutObject``; above, a
  multipart upload, part by part, so memory holds one part at most; an upload that fails or passes its cap is
  aborted (nothing half-written stays).

Both ``put(key, stream, limit=)`` read the stream chunk by chunk and stop as soon as more than ``limit`` bytes came
(``TooLarge``, the partial object removed); ``open(key)`` yields the content in chunks; ``delete(key)`` is
idempotent. Keys are the service's (``new_key()``: random, no user text), checked by ``_check_key``.

Tests: services/contacts/tests/unit/test_documents_storage.py (local disk), tests/e2e_contacts/test_documents_s3.py
(S3 against moto's server, through this class).
"""
import os
import re
import tempfile
import uuid

CHUNK = 64 * 1024
KEY = re.compile(r"^[a-z0-9][a-z0-9/-]{7,199}$")


class TooLarge(Exception):
    """The stream held more than the ``limit`` given to ``put``; nothing was kept."""


class Missing(Exception):
    """No object under this key."""


def new_key(org_id):
    """A fresh key for an organization's file: ``<org>/<uuid>`` (org ids are uuids or safe slugs)."""
    prefix = re.sub(r"[^a-z0-9-]", "-", str(org_id).lower())[:64] or "org"
    return f"{prefix}/{uuid.uuid4().hex}"


def _check_key(key):
    if not isinstance(key, str) or not KEY.match(key) or ".." in key or "//" in key:
        raise ValueError(f"invalid storage key {key!r}")
    return key


def _chunks(stream, size=CHUNK):
    while True:
        chunk = stream.read(size)
        if not chunk:
            return
        yield chunk


class LocalDiskStorage:
    def __init__(self, directory):
        self.directory = os.path.abspath(directory)

    def _path(self, key):
        return os.path.join(self.directory, *_check_key(key).split("/"))

    def put(self, key, stream, *, limit):
        """Write ``stream`` under ``key``; the number of bytes written. ``TooLarge`` past ``limit`` bytes."""
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".part-")
        size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in _chunks(stream):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge()
                    out.write(chunk)
            os.replace(temporary, path)
        except BaseException:
            _unlink(temporary)
            raise
        return size

    def open(self, key, chunk_size=CHUNK):
        """The content in chunks (``Missing`` when there is none, raised before the first chunk)."""
        try:
            handle = open(self._path(key), "rb")  # noqa: SIM115 - closed by the generator
        except FileNotFoundError:
            raise Missing(key) from None

        def chunks():
            with handle:
                yield from _chunks(handle, chunk_size)
        return chunks()

    def size(self, key):
        try:
            return os.path.getsize(self._path(key))
        except FileNotFoundError:
            raise Missing(key) from None

    def delete(self, key):
        _unlink(self._path(key))


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class S3Storage:
    PART_SIZE = 8 * 1024 * 1024  # S3's minimum part is 5 MiB (the last excepted)

    def __init__(self, bucket, *, endpoint_url=None, region=None, access_key_id=None, secret_access_key=None,
                 part_size=PART_SIZE, client=None):
        if client is None:
            import boto3
            from botocore.config import Config
            client = boto3.client("s3", endpoint_url=endpoint_url or None, region_name=region or "us-east-1",
                                  aws_access_key_id=access_key_id or None,
                                  aws_secret_access_key=secret_access_key or None,
                                  config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                                connect_timeout=5, read_timeout=30))
        self.client, self.bucket, self.part_size = client, bucket, part_size

    @staticmethod
    def _read_part(stream, size):
        """Up to ``size`` bytes of ``stream`` (fewer only at its end)."""
        parts, got = [], 0
        while got < size:
            chunk = stream.read(min(CHUNK, size - got))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
        return b"".join(parts)

    def put(self, key, stream, *, limit):
        _check_key(key)
        first = self._read_part(stream, self.part_size)
        if len(first) > limit:
            raise TooLarge()
        if len(first) < self.part_size:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=first)
            return len(first)
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            parts, size, number, data = [], 0, 1, first
            while data:
                size += len(data)
                if size > limit:
                    raise TooLarge()
                answer = self.client.upload_part(Bucket=self.bucket, Key=key, UploadId=upload, PartNumber=number,
                                                 Body=data)
                parts.append({"ETag": answer["ETag"], "PartNumber": number})
                number += 1
                data = self._read_part(stream, self.part_size)
            self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload,
                                                  MultipartUpload={"Parts": parts})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload)
            raise
        return size

    def open(self, key, chunk_size=CHUNK):
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=_check_key(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise Missing(key) from None

        def chunks():
            try:
                yield from body.iter_chunks(chunk_size)
            finally:
                body.close()
        return chunks()

    def size(self, key):
        from botocore.exceptions import ClientError
        try:
            return self.client.head_object(Bucket=self.bucket, Key=_check_key(key))["ContentLength"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                raise Missing(key) from None
            raise

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=_check_key(key))


def from_env(environ=None):
    """The storage a process's environment configures (``DOCUMENTS_STORAGE``: ``local``, the default, or ``s3``).
    ``DOCUMENTS_DIR`` defaults to ``carnet-documents`` under the system's temporary directory: a deployment that
    keeps local files sets it (``make run``: ``.run/documents``)."""
    env = os.environ if environ is None else environ
    kind = env.get("DOCUMENTS_STORAGE", "local").strip().lower()
    if kind == "s3":
        return S3Storage(env["DOCUMENTS_S3_BUCKET"], endpoint_url=env.get("DOCUMENTS_S3_ENDPOINT_URL"),
                         region=env.get("DOCUMENTS_S3_REGION"),
                         access_key_id=env.get("DOCUMENTS_S3_ACCESS_KEY_ID"),
                         secret_access_key=env.get("DOCUMENTS_S3_SECRET_ACCESS_KEY"))
    if kind != "local":
        raise ValueError(f"DOCUMENTS_STORAGE={kind!r}: local or s3")
    return LocalDiskStorage(env.get("DOCUMENTS_DIR") or os.path.join(tempfile.gettempdir(), "carnet-documents"))
