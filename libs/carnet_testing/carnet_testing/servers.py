"""PostgreSQL and RabbitMQ servers of a test's own, for tests that stop or restart them (issue 10 §4).

A test that restarts a server must never restart the shared one: every other test run on the machine (and a
developer's ``make run``) would see the outage. These start a second PostgreSQL cluster (``initdb`` + ``pg_ctl`` in
a temporary directory, trust authentication on loopback) and a second RabbitMQ node (its own node name, ports,
database and logs, no plugins) on free ports, and remove them on exit. Measured on the 2-core box: the cluster is
ready in about 1 s, the node in about 5 s; stopping and starting either takes under 2 s.

Both run as the servers' own system users when the tests run as root (``initdb`` refuses root; the Debian
``rabbitmq-server`` wrapper switches to ``rabbitmq`` and its Erlang cookie), else as the current user, which then
needs the commands on its PATH (and, for RabbitMQ, the cookie, as ``make test`` already does).
"""
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from carnet_testing.processes import free_port

# Debian keeps initdb and pg_ctl off the PATH, under the server's version (the one installed, as .ci/run finds it).
_PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
                  if path.parent.name.isdigit() else 0)


def _as(user, argv):
    """``argv`` run as ``user`` when we are root (and the user exists), else as ourselves."""
    if os.geteuid() == 0 and _user_exists(user):
        return ["runuser", "-u", user, "--", *argv]
    return argv


def _user_exists(user):
    try:
        pwd.getpwnam(user)
    except KeyError:
        return False
    return True


def _give_to(user, path):
    if os.geteuid() == 0 and _user_exists(user):
        shutil.chown(path, user, user)
        for root, dirs, files in os.walk(path):
            for name in dirs + files:
                shutil.chown(os.path.join(root, name), user, user)


def _command(name):
    return shutil.which(name) or str((_PG_BINS[-1] if _PG_BINS else Path("/usr/lib/postgresql/15/bin")) / name)


class PrivatePostgres:
    """A PostgreSQL cluster in ``directory`` listening on ``127.0.0.1:<port>``, owner ``postgres``, trust auth."""

    def __init__(self, directory, port):
        self.directory = Path(directory)
        self.data = self.directory / "data"
        self.port = port
        self.log_path = self.directory / "postgresql.log"

    @property
    def url(self):
        """The maintenance database's URL (create yours with ``create_database``)."""
        return self.database_url("postgres")

    def database_url(self, name):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _pg_ctl(self, *args):
        subprocess.run(_as("postgres", [_command("pg_ctl"), "-D", str(self.data), *args]), check=True,
                       capture_output=True, timeout=120)

    def init(self):
        subprocess.run(_as("postgres", [_command("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                                        "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)

    def start(self):
        """Start and wait until it accepts connections (``pg_ctl -w``)."""
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._pg_ctl("-l", str(self.log_path), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode="fast"):
        """``fast`` ends every session (their clients see their connection closed), as a service restart does;
        ``immediate`` is a crash."""
        self._pg_ctl("-w", "-t", "60", "-m", mode, "stop")

    def restart(self, *, down_for=0.0, mode="fast"):
        """Stop, stay down ``down_for`` seconds, start again; returns the monotonic time it was back."""
        self.stop(mode)
        time.sleep(down_for)   # the outage itself, as long as asked: a fault injected, not a wait for a proof
        self.start()
        return time.monotonic()

    def create_database(self, name):
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.database_url(name)


@contextlib.contextmanager
def private_postgres():
    """A running ``PrivatePostgres`` on a free port; stopped and deleted on exit."""
    directory = tempfile.mkdtemp(prefix="carnet-pg-")
    os.chmod(directory, 0o755)
    _give_to("postgres", directory)
    server = PrivatePostgres(directory, free_port())
    try:
        server.init()
        server.start()
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            server.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


class PrivateRabbit:
    """A RabbitMQ node ``t-<id>@localhost`` on ``127.0.0.1:<port>`` with the default vhost and ``guest``."""

    def __init__(self, directory, *, node, port, dist_port):
        self.directory = Path(directory)
        self.node, self.port, self.dist_port = node, port, dist_port

    @property
    def amqp_uri(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def log_path(self):
        return self.directory / "log" / f"{self.node}.log"

    def env(self):
        # The listener comes from a configuration file of its own: the machine's (/etc/rabbitmq/rabbitmq.conf)
        # names the shared node's port.
        return dict(os.environ, RABBITMQ_NODENAME=self.node, RABBITMQ_DIST_PORT=str(self.dist_port),
                    RABBITMQ_MNESIA_BASE=str(self.directory / "mnesia"), RABBITMQ_LOG_BASE=str(self.directory / "log"),
                    RABBITMQ_CONFIG_FILE=str(self.directory / "rabbitmq"),
                    RABBITMQ_ENABLED_PLUGINS_FILE=str(self.directory / "enabled_plugins"),
                    RABBITMQ_PID_FILE=str(self.directory / "node.pid"))

    def write_config(self):
        (self.directory / "mnesia").mkdir()
        (self.directory / "log").mkdir()
        (self.directory / "rabbitmq.conf").write_text(f"listeners.tcp.local = 127.0.0.1:{self.port}\n")
        (self.directory / "enabled_plugins").write_text("[].\n")   # no management plugin: faster, no extra port

    def ctl(self, *args, timeout=90):
        ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
        return subprocess.run([ctl, "-q", "-n", self.node, *args], env=self.env(), check=True, capture_output=True,
                              timeout=timeout)

    def start_node(self):
        server = shutil.which("rabbitmq-server") or "/usr/sbin/rabbitmq-server"
        subprocess.run([server, "-detached"], env=self.env(), check=True, capture_output=True, timeout=60)
        self.ctl("wait", "--timeout", "60", str(self.directory / "node.pid"))

    def stop_app(self):
        """Stop RabbitMQ on the node (the Erlang VM stays up): every connection is closed, as in a broker restart."""
        self.ctl("stop_app")

    def start_app(self):
        self.ctl("start_app")
        self.ctl("await_startup", "--timeout", "60")

    def restart(self, *, down_for=5.0):
        """``stop_app``, ``down_for`` seconds, ``start_app``; returns the monotonic time it was back."""
        self.stop_app()
        time.sleep(down_for)   # the outage itself, as long as asked: a fault injected, not a wait for a proof
        self.start_app()
        return time.monotonic()

    def stop_node(self):
        self.ctl("stop", timeout=60)


@contextlib.contextmanager
def private_rabbitmq():
    """A running ``PrivateRabbit`` on free ports; stopped and deleted on exit."""
    directory = tempfile.mkdtemp(prefix="carnet-rabbit-")
    os.chmod(directory, 0o755)
    server = PrivateRabbit(directory, node=f"t-{uuid.uuid4().hex[:10]}@localhost", port=free_port(),
                           dist_port=free_port())
    server.write_config()
    _give_to("rabbitmq", directory)
    try:
        server.start_node()
        yield server
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            server.stop_node()
        shutil.rmtree(directory, ignore_errors=True)
