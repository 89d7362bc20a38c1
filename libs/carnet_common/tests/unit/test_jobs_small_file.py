"""A small export is built in a temporary file of the work directory and answered as bytes (C-18); the file
never stays behind, even when building it fails."""
from datetime import timedelta

import pytest

from carnet_common.jobs import ExportSettings, small_file


def settings(tmp_path):
    return ExportSettings(sync_max_rows=3, result_ttl=timedelta(hours=1), stalled_after=timedelta(minutes=1),
                          work_dir=str(tmp_path))


def test_the_bytes_written_come_back_and_the_file_goes(tmp_path):
    seen = []

    def write(path):
        seen.append(path)
        with open(path, "wb") as file:
            file.write(b"PK\x03\x04")

    assert small_file(settings(tmp_path), write) == b"PK\x03\x04"
    assert seen[0].startswith(str(tmp_path)) and seen[0].endswith(".xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_file(tmp_path):
    def write(path):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        small_file(settings(tmp_path), write)
    assert list(tmp_path.iterdir()) == []
