"""Services as ``nameko run`` processes, for the services' integration tests, started the way scripts/stack.py starts
them. A service is one entry of ``stack.SERVICES`` (read from services.toml): ``name``, ``path`` (module:Class),
``config``, ``alembic`` (files), ``http_env`` (the variable naming its operations address)."""
import contextlib
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from carnet_testing.storage import fresh_database, fresh_redis_prefix, fresh_vhost, test_env

LISTEN_PORTS = (10000, 65535)   # where free_port looks, less the kernel's ephemeral range


def _ephemeral_range():
    """The ports the kernel picks outgoing connections' source ports from (Linux's default if unreadable)."""
    try:
        low, high = (int(part) for part in Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return low, high


def _listen_candidates():
    low, high = _ephemeral_range()
    below = range(LISTEN_PORTS[0], min(low, LISTEN_PORTS[1] + 1))
    above = range(max(high + 1, LISTEN_PORTS[0]), LISTEN_PORTS[1] + 1)
    return [port for part in (below, above) for port in part]


def port_is_free(port, host="127.0.0.1"):
    """Whether ``port`` can be listened on now and lies outside the ephemeral range (see ``free_port``)."""
    low, high = _ephemeral_range()
    if low <= port <= high:
        return False
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port():
    """A loopback TCP port nobody listens on now, chosen at random outside the kernel's ephemeral range.

    A port from ``bind(("127.0.0.1", 0))`` comes from that range, the one outgoing connections take their source
    port from: between the moment it is chosen and the moment the server binds it, any connection of another test
    (to PostgreSQL, RabbitMQ, Redis...) can take it, and the server exits with "Address already in use". Outside the
    range only another listener can take it, and listeners here choose at random among ~20,000 ports."""
    candidates = _listen_candidates()
    for _ in range(200):
        port = random.choice(candidates)
        if port_is_free(port):
            return port
    raise RuntimeError("no free port outside the ephemeral range")


def rpc_config(env):
    """What a standalone nameko proxy or dispatcher needs to reach services started with ``env``."""
    return {"AMQP_URI": env["AMQP_URI"], "serializer": "json"}


def _bootstrap_argv(service):
    return [sys.executable, "-m", "carnet_common.bootstrap", "--config", service["config"],
            "--alembic", service["alembic"], "--service", service["path"]]


def bootstrap(service, env, *, root):
    """The release step (``carnet_common.bootstrap``): migrations and event queues, before any replica runs."""
    subprocess.run(_bootstrap_argv(service), env=env, cwd=root, check=True)


def bootstrap_all(services, env, *, root):
    """``bootstrap`` of each of ``services``, run at once: each process spends most of its time importing and
    waiting on PostgreSQL, and the migrations take turns anyway (``carnet_common.bootstrap.MIGRATION_LOCK``);
    every one has finished, and succeeded, before this returns (their queues exist before any service runs)."""
    started = [(service, subprocess.Popen(_bootstrap_argv(service), env=env, cwd=root)) for service in services]
    codes = [(service, process.wait()) for service, process in started]
    for service, code in codes:
        if code != 0:
            raise subprocess.CalledProcessError(code, _bootstrap_argv(service))


@contextlib.contextmanager
def bootstrapped_env(services, *, root, prefix="carnet_t", redis_prefix=None, **settings):
    """A fresh database and vhost, the environment of ``services`` (each with its operations address on a free
    port; ``settings`` are extra variables) and every service bootstrapped in it; the storage dropped on exit."""
    with fresh_database(prefix) as database_url, fresh_vhost(prefix) as amqp_uri:
        addresses = {service["http_env"]: f"127.0.0.1:{free_port()}" for service in services}
        env = test_env(database_url, amqp_uri, redis_prefix or fresh_redis_prefix(), **{**addresses, **settings})
        bootstrap_all(services, env, root=root)
        try:
            yield env
        finally:
            shutil.rmtree(env["DOCUMENTS_DIR"], ignore_errors=True)  # the documents' files of this system (DOC-5)


@contextlib.contextmanager
def running_services(services, *, root, env, log_dir):
    """``services`` run as processes in ``env`` (bootstrapped by ``bootstrapped_env``), each answering before
    the block starts; all stopped on exit."""
    processes = ServiceProcesses(services, root=root, env=env, log_dir=log_dir)
    try:
        for name in processes.services:
            processes.start(name)
        for name in processes.services:
            processes.wait_answering(name)
        yield processes
    finally:
        processes.stop_all()


class ServiceProcesses:
    """``nameko run`` processes, one per service, each logging to ``<log_dir>/<name>.log`` in the
    ``<name> | <line>`` format of scripts/stack.py. A test may stop one and start it again (``restart``)."""

    def __init__(self, services, *, root, env, log_dir):
        self.services = {service["name"]: service for service in services}
        self.root, self.env, self.log_dir = Path(root), env, Path(log_dir)
        self.running = {}

    def log_path(self, name):
        return self.log_dir / f"{name}.log"

    def address(self, name):
        """``host:port`` of the service's /healthz, /readyz and /metrics."""
        return self.env[self.services[name]["http_env"]]

    def start(self, name):
        service = self.services[name]
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "nameko"), "run", "--config", service["config"], service["path"]],
            env=dict(self.env, CARNET_SERVICE=name), cwd=self.root, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=_copy_log, args=(name, process, self.log_path(name)), daemon=True).start()
        self.running[name] = process
        return process

    def stop(self, name, timeout=15):
        process = self.running[name]
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def restart(self, name, *, before_start=None):
        """Stop ``name``, run ``before_start()`` while it is down, start it again and wait until it answers."""
        self.stop(name)
        if before_start:
            before_start()
        self.start(name)
        self.wait_answering(name)

    def stop_all(self, timeout=15):
        """SIGTERM to every process at once, then SIGKILL to those still running ``timeout`` later: a nameko
        process takes 3–4 s to stop gracefully even when idle, so the services stop in the time of the slowest,
        not the sum of all (as ``Stack.stop`` does)."""
        processes = [self.running[name] for name in reversed(list(self.running))]
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + timeout
        for process in processes:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def wait_answering(self, name, timeout=60):
        """Until ``name`` answers /readyz over HTTP and ``ping`` over RPC; its log in the error if it exits."""
        from nameko.standalone.rpc import ClusterRpcProxy  # imports eventlet: only where services run

        deadline = time.monotonic() + timeout
        with ClusterRpcProxy(rpc_config(self.env), timeout=5) as proxy:
            while not (_http_ready(self.address(name)) and _pings(getattr(proxy, name))):
                process = self.running[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}:\n{self._log_tail(name)}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} not answering after {timeout} s:\n{self._log_tail(name)}")
                time.sleep(0.3)

    def _log_tail(self, name, lines=40):
        path = self.log_path(name)
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _copy_log(name, process, log_path):
    with open(log_path, "a", encoding="utf-8") as log:
        for line in iter(process.stdout.readline, b""):
            log.write(f"{name} | {line.decode(errors='replace')}")
            log.flush()


def _http_ready(address):
    try:
        with urllib.request.urlopen(f"http://{address}/readyz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _pings(service_proxy):
    try:
        return service_proxy.ping() == "pong"
    except Exception:  # noqa: BLE001 - not consuming yet (unknown service, timeout)
        return False
