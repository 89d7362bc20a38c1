"""gunicorn settings for the gateway: gthread workers (docs/performance.md §5: 2 × 8 on 2 cores)."""
import os
import shutil

import gunicorn.http.message

bind = os.environ.get("GATEWAY_BIND", "127.0.0.1:8000")
# gthread, whose refusals of a request it cannot read (414, 431) are problem+json (carnet_gateway/worker.py)
worker_class = "carnet_gateway.worker.Worker"
# The longest request line the API document allows fits (issue 10 §5): criteria of 20,000 characters beside q, a
# sort and ids, each character percent-encoded in up to 12 bytes, is under 256 KiB (checked by
# gateway/tests/unit/test_openapi_conformance.py). gunicorn lowers any limit above its MAX_REQUEST_LINE (8190) to
# it, and 0 means no limit at all: its ceiling is raised to this limit, no further.
limit_request_line = 256 * 1024
gunicorn.http.message.MAX_REQUEST_LINE = max(gunicorn.http.message.MAX_REQUEST_LINE, limit_request_line)
workers = int(os.environ.get("GATEWAY_WORKERS", "2"))
threads = int(os.environ.get("GATEWAY_THREADS", "8"))
timeout = 60
graceful_timeout = 10
accesslog = None
max_requests = 0
# The workers' heartbeat (an fchmod of a temporary file at every turn of their loop) on a memory filesystem, not on
# the container's overlay disk: 6.8 % of the workers' CPU there (issue 9 §3, cut 10).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def on_starting(server):
    """Prometheus multiprocess mode: start each run with an empty metrics directory."""
    directory = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/carnet-gateway-metrics")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


# gunicorn 27's control socket has one default path per user: several gateways on one machine (tests,
# benchmarks) would fight over it. Nothing here uses it.
control_socket_disable = True
