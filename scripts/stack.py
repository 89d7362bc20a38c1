"""Start Carnet as processes: bootstrap each service, run it, run the gateway, wait until ready.

Used by ``make run`` (scripts/devrun.py), the end-to-end tests and the benchmarks, so the three start the
system the same way. The services are those of services.toml (``services.py``).
"""
import collections
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import services

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

SERVICES = services.load()
TAIL_LINES = 40   # of a process's output, quoted when it exits before the stack is ready


def bootstrap(service, env):
    subprocess.run([str(BIN / "python"), "-m", "carnet_common.bootstrap", "--config", service["config"],
                    "--alembic", service["alembic"], "--service", service["path"]], env=env, check=True, cwd=ROOT)


class Stack:
    """The running processes; ``stop()`` ends them all. ``supervise()``, called regularly (``make run`` does, every
    second), restarts a process that exited, as Kubernetes restarts a crashed pod: after a back-off that doubles
    from 1 s up to 30 s while it keeps crashing, and is forgotten once it has run for a minute."""

    RESTART_BACKOFF = (1, 30)   # first and longest wait, seconds
    HEALTHY_AFTER = 60          # seconds of running that reset the back-off

    def __init__(self, env, *, gateway_port=8000, port_offset=0, log=None, gateway_workers=2):
        self.env = dict(env)
        self.env.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
        # The address the links of campaign e-mails point to (E-7, E-9): the gateway's, unless told otherwise.
        self.env.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{gateway_port}")
        self.gateway_port = gateway_port
        self.port_offset = port_offset
        self.gateway_workers = gateway_workers
        self.log = log or sys.stdout
        self.processes = []
        self.restarts = {}   # name -> (restarts so far, monotonic time of the next start or None)
        self._lock = threading.Lock()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.gateway_port}"

    def service_address(self, service):
        return f"127.0.0.1:{service['http_port'] + self.port_offset}"

    def bootstrap(self):
        """Every service's release step at once (``carnet_testing.processes.bootstrap_all``: the migrations take
        turns under their lock; every queue exists before any service runs)."""
        from carnet_testing.processes import bootstrap_all
        bootstrap_all(SERVICES, self.env, root=ROOT)

    def start(self, timeout=60):
        for service in SERVICES:
            self.start_service(service)
        gateway_env = dict(self.env, CARNET_SERVICE="gateway", GATEWAY_BIND=f"127.0.0.1:{self.gateway_port}",
                           GATEWAY_WORKERS=str(self.gateway_workers),
                           PROMETHEUS_MULTIPROC_DIR=self.metrics_dir)
        self._spawn("gateway", [str(BIN / "gunicorn"), "-c", str(ROOT / "gateway/gunicorn.conf.py"),
                                "carnet_gateway.app:create_app()"], gateway_env)
        self.wait_ready(timeout)
        return self

    def start_service(self, service):
        env = dict(self.env, CARNET_SERVICE=service["name"])
        env[service["http_env"]] = self.service_address(service)
        return self._spawn(service["name"], [str(BIN / "nameko"), "run", "--config", service["config"],
                                             service["path"]], env)

    def start_replica(self, service, name, **settings):
        """Another process of ``service`` beside the stack's, named ``name`` in the log, with ``settings`` over the
        stack's environment and an operations port of its own (e.g. the one replica that runs background jobs,
        ``EXPORT_JOBS_RUN=true``, as a deployment may keep jobs off the replicas that answer users)."""
        env = dict(self.env, CARNET_SERVICE=service["name"], **{key: str(value) for key, value in settings.items()})
        env[service["http_env"]] = f"127.0.0.1:{free_port()}"
        return self._spawn(name, [str(BIN / "nameko"), "run", "--config", service["config"], service["path"]], env)

    def _spawn(self, name, argv, env):
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        process.carnet_name, process.carnet_argv, process.carnet_env = name, argv, env
        process.carnet_started = time.monotonic()
        process.carnet_tail = collections.deque(maxlen=TAIL_LINES)
        self.processes.append(process)
        process.carnet_pump = threading.Thread(target=self._pump, args=(name, process), daemon=True)
        process.carnet_pump.start()
        return process

    def supervise(self, now=None):
        """Restart what exited (each after its back-off); returns the names restarted by this call."""
        now = time.monotonic() if now is None else now
        restarted = []
        for process in list(self.processes):
            if process.poll() is None:
                if now - process.carnet_started >= self.HEALTHY_AFTER:
                    self.restarts.pop(process.carnet_name, None)
                continue
            name = process.carnet_name
            count, due = self.restarts.get(name, (0, None))
            if due is None:
                first, longest = self.RESTART_BACKOFF
                wait = min(first * 2 ** count, longest)
                self.restarts[name] = (count, now + wait)
                self._say(name, f"exited with code {process.returncode}; restarting in {wait} s")
            elif now >= due:
                self.processes.remove(process)
                self._spawn(name, process.carnet_argv, process.carnet_env)
                self.restarts[name] = (count + 1, None)
                self._say(name, f"restarted (restart {count + 1})")
                restarted.append(name)
        return restarted

    def _say(self, name, text):
        with self._lock:
            self.log.write(f"{name:<{self._width()}} | supervisor: {text}\n")
            self.log.flush()

    def _width(self):
        return max(len(s["name"]) for s in SERVICES + [{"name": "gateway"}])

    def _pump(self, name, process):
        width = self._width()
        for line in iter(process.stdout.readline, b""):
            text = line.decode(errors="replace")
            process.carnet_tail.append(text)
            with self._lock:
                self.log.write(f"{name:<{width}} | {text}")
                self.log.flush()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for process in self.processes:
                if process.poll() is not None:
                    process.carnet_pump.join(timeout=5)   # its last lines, read to the end of its output
                    raise RuntimeError(f"{process.carnet_name} exited with {process.returncode}; its last lines:\n"
                                       + "".join(process.carnet_tail))
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=3) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"the gateway at {self.url} was not ready after {timeout} s")

    def stop_process(self, process, timeout=10):
        """SIGTERM: nameko and gunicorn both stop gracefully on it (SIGINT may be ignored in the
        background), then SIGKILL after ``timeout``."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self, timeout=10):
        """SIGTERM to every process at once (the gateway first), then SIGKILL to those still running ``timeout``
        later: the stack stops in the time of its slowest process, not the sum of all (a Ctrl-C of ``make run``
        followed by a SIGKILL a few seconds later must not leave a service behind)."""
        self.restarts.clear()
        running = [process for process in reversed(self.processes) if process.poll() is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()
        shutil.rmtree(self.metrics_dir, ignore_errors=True)

    @property
    def metrics_dir(self):
        return f"/tmp/carnet-gateway-metrics-{self.gateway_port}"


# For tests and benchmarks: a whole system on free ports, in a fresh database, vhost and Redis prefix. ------

def free_port():
    """A free loopback port outside the ephemeral range (``carnet_testing.processes.free_port`` says why)."""
    from carnet_testing.processes import free_port as carnet_free_port
    return carnet_free_port()


def free_port_offset():
    """A ``Stack`` port offset under which every service's operations port is free (and outside the ephemeral
    range, as ``free_port`` chooses)."""
    from carnet_testing.processes import port_is_free
    base = min(service["http_port"] for service in SERVICES)
    for _ in range(50):
        offset = free_port() - base
        if all(0 < s["http_port"] + offset < 65536 and port_is_free(s["http_port"] + offset) for s in SERVICES):
            return offset
    raise RuntimeError("no free ports for the services")


PORT_ATTEMPTS = 3  # starts of a fresh stack when a port it chose was taken before its process bound it


@contextlib.contextmanager
def fresh_stack(log_path, **settings):
    """Every service and the gateway, started as ``make run`` starts them, on free ports and fresh storage;
    stopped, and the storage dropped, on exit. ``settings`` are extra environment variables.

    The ports are free when chosen, but another suite's connection can take one (as its source port) before the
    process binds it; a start that failed so ("Address already in use" in its processes' log) is tried again on other
    ports, up to ``PORT_ATTEMPTS`` times. Any other failure is raised at once."""
    from carnet_testing import fresh_database, fresh_redis_prefix, fresh_vhost, test_env

    with fresh_database() as database_url, fresh_vhost() as amqp_uri:
        env = test_env(database_url, amqp_uri, fresh_redis_prefix(), **settings)
        with open(log_path, "a", encoding="utf-8") as log:
            stack = None
            try:
                for attempt in range(1, PORT_ATTEMPTS + 1):
                    stack = Stack(env, gateway_port=free_port(), port_offset=free_port_offset(), log=log)
                    stack.log_path = log_path
                    logged_before = log.tell()
                    try:
                        if attempt == 1:
                            stack.bootstrap()
                        stack.start(timeout=90)
                        break
                    except Exception as exc:
                        stack.stop()
                        log.flush()
                        if attempt < PORT_ATTEMPTS and _port_taken(log_path, logged_before):
                            continue
                        raise RuntimeError(f"the stack did not start; its processes logged to {log_path}") from exc
                yield stack
            finally:
                if stack is not None:
                    stack.stop()
                shutil.rmtree(env["DOCUMENTS_DIR"], ignore_errors=True)  # its documents' files (DOC-5)


def _port_taken(log_path, since):
    """Whether a process said, in the log written after offset ``since``, that its address was in use."""
    with open(log_path, "rb") as log:
        log.seek(since)
        return b"Address already in use" in log.read()
