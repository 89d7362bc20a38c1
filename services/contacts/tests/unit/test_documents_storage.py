"""Local disk storage (carnet_common.storage, DOC-5's default): a file is whole or absent, a stream past its cap is
refused and leaves nothing, keys cannot escape the directory."""
import io
import os

import pytest

from carnet_common import storage


def test_put_open_size_and_delete(tmp_path):
    store = storage.LocalDiskStorage(tmp_path)
    key = storage.new_key("Org 1")
    assert key.startswith("org-1/")
    content = os.urandom(300_000)
    assert store.put(key, io.BytesIO(content), limit=len(content)) == len(content)
    assert b"".join(store.open(key, chunk_size=4096)) == content
    assert store.size(key) == len(content)
    store.delete(key)
    store.delete(key)  # idempotent
    with pytest.raises(storage.Missing):
        store.open(key)


def test_a_stream_past_its_limit_leaves_nothing(tmp_path):
    store = storage.LocalDiskStorage(tmp_path)
    key = storage.new_key("org")
    with pytest.raises(storage.TooLarge):
        store.put(key, io.BytesIO(b"x" * 200_001), limit=200_000)
    assert [f for _, _, files in os.walk(tmp_path) for f in files] == []


class Broken(io.RawIOBase):
    def read(self, size=-1):
        raise OSError("connection reset")


def test_a_failing_stream_leaves_nothing(tmp_path):
    store = storage.LocalDiskStorage(tmp_path)
    with pytest.raises(OSError):
        store.put(storage.new_key("org"), Broken(), limit=10)
    assert [f for _, _, files in os.walk(tmp_path) for f in files] == []


@pytest.mark.parametrize("key", ["../etc/passwd", "org/../../x", "/abs/path", "short", "org//double", "UPPER/case12"])
def test_keys_cannot_escape_the_directory(tmp_path, key):
    with pytest.raises(ValueError):
        storage.LocalDiskStorage(tmp_path).put(key, io.BytesIO(b"x"), limit=1)


def test_from_env_chooses_the_storage(tmp_path):
    assert isinstance(storage.from_env({"DOCUMENTS_DIR": str(tmp_path)}), storage.LocalDiskStorage)
    s3 = storage.from_env({"DOCUMENTS_STORAGE": "s3", "DOCUMENTS_S3_BUCKET": "b",
                           "DOCUMENTS_S3_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert isinstance(s3, storage.S3Storage) and s3.bucket == "b"
    with pytest.raises(ValueError):
        storage.from_env({"DOCUMENTS_STORAGE": "ftp"})
