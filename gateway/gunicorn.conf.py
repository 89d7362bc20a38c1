"""gunicorn settings for the gateway: gthread workers (docs/performance.md §5: 2 × 8 on 2 cores)."""
import os
import shutil

bind = os.environ.get("GATEWAY_BIND", "127.0.0.1:8000")
worker_class = "gthread"
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
