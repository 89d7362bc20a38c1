"""What the gateway does on every request, kept cheap (issue 9 §3): kombu's librabbitmq probe fails at once instead
of searching sys.path at each publish (cut 9); gunicorn's worker heartbeat file is on a memory filesystem (cut 10)."""
import importlib.machinery
import os
import runpy
from pathlib import Path

import kombu.transport

import carnet_gateway.rpc  # noqa: F401 - what the gateway imports before its first RPC

GUNICORN_CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_kombu_looks_for_librabbitmq_on_no_path(monkeypatch):
    searched = []
    find_spec = importlib.machinery.PathFinder.find_spec

    def recording(name, *args, **kwargs):
        searched.append(name)
        return find_spec(name, *args, **kwargs)

    monkeypatch.setattr(importlib.machinery.PathFinder, "find_spec", recording)
    assert not kombu.transport.supports_librabbitmq()
    assert "librabbitmq" not in searched


def _filesystem_type(path):
    """The type of the filesystem mounted deepest above ``path`` (/proc/mounts)."""
    path, best = os.path.realpath(path), ("", None)
    for line in Path("/proc/mounts").read_text().splitlines():
        _, mount_point, fs_type = line.split()[:3]
        if (path == mount_point or path.startswith(mount_point.rstrip("/") + "/")) and len(mount_point) >= len(best[0]):
            best = (mount_point, fs_type)
    return best[1]


def test_the_worker_heartbeat_file_is_on_a_memory_filesystem():
    settings = runpy.run_path(str(GUNICORN_CONF))
    assert settings["worker_tmp_dir"] is not None
    assert _filesystem_type(settings["worker_tmp_dir"]) == "tmpfs"
