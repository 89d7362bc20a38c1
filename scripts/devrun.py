"""``make run`` and ``make reset`` on a developer's machine.

``make run`` (``python devrun.py``): check that PostgreSQL, RabbitMQ and Redis answer and that the ports are free
(naming what is missing and how to start it, instead of a traceback), start the local mail catcher unless
``SMTP_HOST`` names a relay, and the local DNS server (``devdns.py``: sending domains, E-6) unless
``CAMPAIGNS_DNS_SERVER`` names one, migrate, start every service and the gateway, create the demo organization, print
the URL and login, then stream the interleaved logs (each process's also in ``.run/logs/<process>.log``);
Ctrl-C stops everything.

``make reset`` (``python devrun.py --reset``): with ``make run`` stopped, drop the database of ``DATABASE_URL``,
delete the services' queues in the vhost of ``AMQP_URI``, delete the Redis keys under ``CARNET_REDIS_PREFIX``
and empty ``.run/mail`` and the local DNS records, so that the next ``make run`` starts from nothing.
``CARNET_RUN_DIR`` moves ``.run``.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

import devdns
import mailsink
from stack import SERVICES, Stack

from carnet_common import config

ROOT = Path(__file__).resolve().parent.parent
DEMO = {"name": "Démo Carnet", "plan": "team", "language": "fr",
        "admin": {"username": "demo", "password": "carnet-demo-2026", "full_name": "Admin Démo",
                  "email": "demo@example.com"}}
CHECK_TIMEOUT = 3
# How to start each server on Debian (the commands .ci/run uses), and the package that provides it.
START = {
    "PostgreSQL": ("postgresql", "sudo systemctl start postgresql",
                   "sudo pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n 1) main start"),
    "RabbitMQ": ("rabbitmq-server", "sudo systemctl start rabbitmq-server", "sudo rabbitmq-server -detached"),
    "Redis": ("redis-server", "sudo systemctl start redis-server",
              'sudo mkdir -p /var/lib/redis && sudo redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 '
              '--save "" --appendonly no --dir /var/lib/redis'),
}
VARIABLES = {"PostgreSQL": "DATABASE_URL", "RabbitMQ": "AMQP_URI", "Redis": "REDIS_URL"}


# Settings ---------------------------------------------------------------------------------------------------

def settings(env):
    """What ``make run`` uses, from ``env`` (the process's environment) and the kit's defaults."""
    return {"database_url": env.get("DATABASE_URL") or config.DEFAULT_DATABASE_URL,
            "amqp_uri": env.get("AMQP_URI") or config.DEFAULT_AMQP_URI,
            "redis_url": env.get("REDIS_URL") or config.DEFAULT_REDIS_URL,
            "redis_prefix": env.get("CARNET_REDIS_PREFIX") or "carnet:",
            "gateway_port": int(env.get("CARNET_PORT") or 8000),
            "ops_port_offset": int(env.get("CARNET_OPS_PORT_OFFSET") or 0),
            "mail_port": int(env.get("CARNET_MAIL_PORT") or mailsink.DEFAULT_PORT),
            "mail_catcher": not env.get("SMTP_HOST"),
            "dns_port": int(env.get("CARNET_DNS_PORT") or devdns.DEFAULT_PORT),
            "dns_server": not env.get("CAMPAIGNS_DNS_SERVER"),
            "run_dir": Path(env.get("CARNET_RUN_DIR") or ROOT / ".run")}


def masked(url):
    """``url`` with its password replaced by ``***``, fit to print."""
    parts = urllib.parse.urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


# Checks before anything starts --------------------------------------------------------------------------------

def _check_postgresql(url):
    import psycopg
    from sqlalchemy.engine import make_url

    admin = make_url(config.sqlalchemy_url(url)).set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), connect_timeout=CHECK_TIMEOUT):
        pass


def _check_rabbitmq(uri):
    from kombu import Connection

    with Connection(uri, connect_timeout=CHECK_TIMEOUT) as connection:
        connection.ensure_connection(max_retries=1)


def _check_redis(url):
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT).ping()


def missing_servers(env):
    """``[(server, url, error)]`` for each of PostgreSQL, RabbitMQ and Redis that does not answer."""
    chosen = settings(env)
    checks = (("PostgreSQL", chosen["database_url"], _check_postgresql),
              ("RabbitMQ", chosen["amqp_uri"], _check_rabbitmq),
              ("Redis", chosen["redis_url"], _check_redis))
    missing = []
    for server, url, check in checks:
        try:
            check(url)
        except Exception as exc:  # any failure to connect is what the user must hear about, by name
            missing.append((server, url, " ".join(str(exc).split()) or type(exc).__name__))
    return missing


def explain_missing(missing, command="make run"):
    """What to tell the user about ``missing_servers``: each server, where it was looked for, and how to start it."""
    lines = [f"{command} needs PostgreSQL, RabbitMQ and Redis; not answering:"]
    for server, url, error in missing:
        package, systemd, plain = START[server]
        lines += [f"  {server} at {masked(url)} ({VARIABLES[server]}): {error}",
                  f"    start it:   {systemd}",
                  f"    no systemd: {plain}",
                  f"    not installed: sudo apt-get install -y {package}",
                  f"    or set {VARIABLES[server]} to where yours runs"]
    lines.append("(README.md, 'Servers')")
    return "\n".join(lines)


def ports(env):
    """``[(port, what, variable)]``: every port ``make run`` listens on, and the setting that moves it."""
    chosen = settings(env)
    used = [(chosen["gateway_port"], "the gateway", "CARNET_PORT")]
    used += [(service["http_port"] + chosen["ops_port_offset"], f"the {service['name']} service's ops endpoints",
              "CARNET_OPS_PORT_OFFSET") for service in SERVICES]
    if chosen["mail_catcher"]:
        used.append((chosen["mail_port"], "the mail catcher", "CARNET_MAIL_PORT"))
    if chosen["dns_server"]:
        used.append((chosen["dns_port"], "the local DNS server", "CARNET_DNS_PORT"))
    return used


def busy_ports(env):
    """The entries of ``ports(env)`` something already listens on (``SO_REUSEADDR``, as the servers bind: a port
    whose last connections linger in TIME_WAIT after a stop is free for them)."""
    busy = []
    for port, what, variable in ports(env):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                busy.append((port, what, variable))
    return busy


def explain_busy(busy):
    lines = ["make run cannot listen on these ports of 127.0.0.1 (another make run? stop it with Ctrl-C):"]
    lines += [f"  {port}: {what} (change it with {variable})" for port, what, variable in busy]
    return "\n".join(lines)


# make run -----------------------------------------------------------------------------------------------------

class ProcessLogs:
    """The ``log`` of the Stack: every line goes to the console as stack.py writes it (``<process> | <text>``)
    and, without the prefix, to ``.run/logs/<process>.log``, rewritten at each start."""

    def __init__(self, folder, console=sys.stdout):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.console = console
        self.files = {}

    def write(self, text):
        self.console.write(text)
        name, separator, line = text.partition(" | ")
        if separator:
            self._file(name.strip()).write(line)

    def flush(self):
        self.console.flush()
        for handle in self.files.values():
            handle.flush()

    def _file(self, name):
        if name not in self.files:
            self.files[name] = open(self.folder / f"{name}.log", "w", encoding="utf-8")
        return self.files[name]

    def close(self):
        for handle in self.files.values():
            handle.close()


def post(url, body):
    return call("POST", url, body)[0]


def call(method, url, body=None, token=None):
    """``(status, JSON answer or None)`` of one API request."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, None


def seed_demo(url, env):
    """A few records in the new demo organization, so that its web client's pages show something: a list shared
    with everyone, two accounts with their contacts, an opportunity with two product lines, three tasks."""
    api = url + "/api/v1"
    login = {"username": DEMO["admin"]["username"], "password": DEMO["admin"]["password"]}
    token = call("POST", api + "/auth/login", login)[1]["token"]

    def made(method, path, body):
        status, answer = call(method, api + path, body, token)
        if status not in (200, 201):
            raise SystemExit(f"could not seed the demo organization: {method} {path} answered HTTP {status}")
        return answer

    clients = made("POST", "/lists", {"name": "Clients", "access_all_users": True})["id"]
    made("PUT", "/me/selected-lists", {"list_ids": [clients]})
    demo_sending_domain(made, env)
    accounts = [made("POST", "/accounts", {"name": name, "city": city, "phone": phone, "list_ids": [clients]})
                for name, city, phone in (("Boulangerie Gagnon", "Montréal", "514-555-0101"),
                                          ("Ébénisterie Tremblay", "Québec", "418-555-0142 x12"))]
    people = (("Lise", "Gagnon", "lise@gagnon.example", 0), ("Émile", "Roy", "emile@gagnon.example", 0),
              ("Sophie", "Tremblay", "sophie@tremblay.example", 1), ("Marc", "Côté", "marc@tremblay.example", 1))
    contacts = [made("POST", "/contacts", {"first_name": first, "last_name": last, "email": email,
                                           "account_id": accounts[which]["id"], "list_ids": [clients]})
                for first, last, email, which in people]
    stages = sorted(made("GET", "/stages", None), key=lambda found: found["probability"])
    stage = stages[len(stages) // 2]["id"]  # one of the middle of the pipeline
    opportunity = made("POST", "/opportunities", {
        "title": "Comptoir en érable", "account_id": accounts[1]["id"], "contact_id": contacts[2]["id"],
        "stage_id": stage, "close_date": "2027-06-30",
        "lines": [{"product_code": "CE-1", "description": "Comptoir", "quantity": "1", "unit_price": "2450.00"},
                  {"product_code": "IN-2", "description": "Installation", "quantity": "3", "unit_price": "85.50"}]})
    tasks = (("call", "Rappeler Lise", 0, "todo", None), ("meeting", "Visite de l'atelier", 2, "in_progress",
             opportunity["id"]), ("email", "Envoyer la soumission", 3, "done", opportunity["id"]))
    for kind, title, contact, status, opportunity_id in tasks:
        body = {"type": kind, "title": title, "contact_id": contacts[contact]["id"], "status": status,
                "due_at": "2027-07-01T09:30:00-04:00"}
        if opportunity_id:
            body["opportunity_id"] = opportunity_id
        made("POST", "/tasks", body)
    demo_form(made, clients)


def demo_form(made, list_id):
    """A published form in both languages adding contacts to ``list_id`` (F-1, F-2): its page is ``/f/<key>``, its
    embed snippet on its Embed page."""
    texts = {"title": {"fr": "Restons en contact", "en": "Keep in touch"},
             "submit_label": {"fr": "Envoyer", "en": "Send"},
             "thank_you": {"url": None, "message": {"fr": "Merci! Nous vous écrirons bientôt.",
                                                    "en": "Thank you! We will write to you soon."}},
             "consent": {"enabled": True, "text": {"fr": "J'accepte de recevoir les nouvelles de Démo Carnet.",
                                                   "en": "I agree to receive news from Démo Carnet."}}}
    fields = [{"name": "email", "required": True, "label": {"fr": "Courriel", "en": "E-mail"}},
              {"name": "first_name", "label": {"fr": "Prénom", "en": "First name"}},
              {"name": "last_name", "label": {"fr": "Nom", "en": "Last name"}}]
    form = made("POST", "/forms", {"name": "Infolettre", "draft": {"language": "both", "fields": fields,
                                                                   "list_id": list_id, **texts}})
    made("POST", f"/forms/{form['id']}/publish", None)


DEMO_DOMAIN = "nouvelles.carnet-demo.example"


def demo_sending_domain(made, env):
    """The demo organization's sending domain (E-6), usable at once when ``make run`` answers DNS itself
    (``CARNET_DNS_FILE`` in ``env``): its records are published in the local DNS server, checked, and approved as the
    installation's operator would (its command, in ``env``)."""
    if not env.get("CARNET_DNS_FILE"):
        return
    domain = made("POST", "/sending-domains", {"domain": DEMO_DOMAIN})
    for record in domain["records"]:
        devdns.publish(env["CARNET_DNS_FILE"], record["name"], record["type"], record["value"])
    made("POST", f"/sending-domains/{domain['id']}/check", None)
    subprocess.run([sys.executable, "-m", "carnet_campaigns.operator", "approve-domain", DEMO_DOMAIN], check=True,
                   stdout=subprocess.DEVNULL, env=env)


def ensure_demo(url, env=None):
    """Create the demo organization once; a second ``make run`` logs in to the existing one."""
    login = {"username": DEMO["admin"]["username"], "password": DEMO["admin"]["password"]}
    if post(url + "/api/v1/auth/login", login) == 200:
        return "existing"
    status = post(url + "/api/v1/organizations", DEMO)
    if status == 409:
        return "existing, but its password was changed"
    if status != 201:
        raise SystemExit(f"could not create the demo organization (HTTP {status})")
    seed_demo(url, dict(os.environ) if env is None else env)
    return "created, with a few contacts, accounts, an opportunity, tasks and a form"


def run(env):
    env.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    missing = missing_servers(env)
    if missing:
        raise SystemExit(explain_missing(missing))
    busy = busy_ports(env)
    if busy:
        raise SystemExit(explain_busy(busy))
    chosen = settings(env)
    mail_dir, log_dir = chosen["run_dir"] / "mail", chosen["run_dir"] / "logs"
    # Documents (C-21, DOC-5) on the local disk unless the environment chose S3 or another directory.
    env.setdefault("DOCUMENTS_DIR", str(chosen["run_dir"] / "documents"))
    catcher = None
    if chosen["mail_catcher"]:
        catcher = mailsink.start(mail_dir, chosen["mail_port"])
        env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(catcher.port))
        # Campaigns and one-to-one e-mails (E-10) go to the catcher too, unless a relay of their own is named.
        if not env.get("CAMPAIGNS_SMTP_HOST"):
            env.update(CAMPAIGNS_SMTP_HOST="127.0.0.1", CAMPAIGNS_SMTP_PORT=str(catcher.port))
    dns = None
    if chosen["dns_server"]:
        env.setdefault("CARNET_DNS_FILE", str(chosen["run_dir"] / "dns.json"))
        dns = devdns.start(env["CARNET_DNS_FILE"], chosen["dns_port"])
        env.update(CAMPAIGNS_DNS_SERVER="127.0.0.1", CAMPAIGNS_DNS_PORT=str(dns.port))
    logs = ProcessLogs(log_dir)
    stack = Stack(env, gateway_port=chosen["gateway_port"], port_offset=chosen["ops_port_offset"], log=logs)

    def _stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    # Started in the background, a process inherits an ignored SIGINT: Ctrl-C must still stop us.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        stack.bootstrap()
        stack.start(timeout=90)
        state = ensure_demo(stack.url, env)
        mail = (f"  Mail:     invitations and campaigns go to {mail_dir} (catcher on 127.0.0.1:{catcher.port})\n"
                if catcher else f"  Mail:     sent through {env['SMTP_HOST']}:{env.get('SMTP_PORT', '25')}\n")
        print(f"\n  Carnet is running at {stack.url}/app/  (demo organization {state})\n"
              f"  API docs: {stack.url}/api/docs\n"
              f"  Login:    {DEMO['admin']['username']} / {DEMO['admin']['password']}\n"
              f"{mail}"
              + (f"  DNS:      127.0.0.1:{dns.port}, records in {env['CARNET_DNS_FILE']} (scripts/devdns.py set …); "
                 f"the demo sends from @{DEMO_DOMAIN}\n" if dns else "")
              + f"  Logs:     below, and each process's in {log_dir}\n"
              f"  Ctrl-C stops everything.\n", flush=True)
        while True:  # a process that exits is restarted, as Kubernetes would (its log says why it exited)
            stack.supervise()
            time.sleep(1)
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        stack.stop()
        logs.close()
        if catcher is not None:
            catcher.stop()
        if dns is not None:
            dns.stop()
    return 0


# make reset ---------------------------------------------------------------------------------------------------

def reset(env):
    """Forget everything ``make run`` stored: its database, its queues, its Redis keys, the caught mail and the
    documents' files."""
    missing = missing_servers(env)
    if missing:
        raise SystemExit(explain_missing(missing, command="make reset"))
    chosen = settings(env)
    database = _drop_database(chosen["database_url"])
    queues = _delete_queues(chosen["amqp_uri"])
    keys = _delete_redis_keys(chosen["redis_url"], chosen["redis_prefix"])
    shutil.rmtree(chosen["run_dir"] / "mail", ignore_errors=True)
    shutil.rmtree(chosen["run_dir"] / "documents", ignore_errors=True)
    (chosen["run_dir"] / "dns.json").unlink(missing_ok=True)
    vhost = urllib.parse.unquote(urllib.parse.urlsplit(chosen["amqp_uri"]).path[1:]) or "/"
    print(f"dropped database {database}; deleted {queues} queues in RabbitMQ vhost {vhost}; deleted {keys} Redis "
          f"keys under {chosen['redis_prefix']!r}; emptied {chosen['run_dir'] / 'mail'} and "
          f"{chosen['run_dir'] / 'documents'}.\n"
          f"The next `make run` migrates again and creates a fresh demo organization.", flush=True)
    return 0


def _drop_database(url):
    """Drop the database of ``url``, refusing while anything is connected to it (``make run`` still running)."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(config.sqlalchemy_url(url))
    if parsed.database in (None, "", "postgres", "template0", "template1"):
        raise SystemExit(f"make reset drops the database of DATABASE_URL, and will not drop {parsed.database!r}")
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=CHECK_TIMEOUT) as conn:
        connected = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND backend_type = "
                                 "'client backend'", (parsed.database,)).fetchone()[0]
        if connected:
            raise SystemExit(f"{connected} connection(s) to the database {parsed.database} are open: stop `make run` "
                             f"(Ctrl-C) before `make reset`")
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}"')
    return parsed.database


def service_queues():
    """The RabbitMQ queues the services declare: their event queues, named by nameko's own code (as the bootstrap
    declares them), and their RPC queues."""
    with warnings.catch_warnings():  # nameko imports eventlet, which announces its deprecation
        warnings.simplefilter("ignore")
        from carnet_common.bootstrap import load_class
        from carnet_common.settings import load_service_config
        from carnet_common.topology import event_queues

    names = []
    for service in SERVICES:
        service_config = load_service_config(service["config"])
        names += [queue.name for queue in event_queues(load_class(service["path"]), service_config)]
        names.append(f"rpc-{service['name']}")
    return names


def _delete_queues(amqp_uri):
    from kombu import Connection

    names = service_queues()
    with Connection(amqp_uri, connect_timeout=CHECK_TIMEOUT) as connection:
        channel = connection.channel()
        for name in names:
            channel.queue_delete(name)
        channel.close()
    return len(names)


def _delete_redis_keys(url, prefix):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT)
    deleted, batch = 0, []
    for key in client.scan_iter(match=prefix.replace("*", r"\*") + "*", count=1000):
        batch.append(key)
        if len(batch) == 1000:
            deleted += client.unlink(*batch)
            batch.clear()
    if batch:
        deleted += client.unlink(*batch)
    return deleted


def main(argv):
    env = dict(os.environ)
    if argv == ["--reset"]:
        return reset(env)
    if argv:
        raise SystemExit(__doc__)
    return run(env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
