"""``make run`` and ``make reset`` (scripts/devrun.py) as a new user meets them: a missing server or a taken port is
named with how to fix it, and a reset forgets exactly what ``make run`` stored."""
import io
import os
import socket
from pathlib import Path

import devrun
import psycopg
import pytest
import redis
import requests
from amqp.exceptions import ChannelError
from kombu import Connection
from sqlalchemy.engine import make_url
from stack import free_port, free_port_offset

from carnet_common import config
from carnet_testing import fresh_database, fresh_vhost, unique_name


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_missing_server_is_named_with_how_to_start_it():
    port = closed_port()
    env = {"DATABASE_URL": f"postgresql://postgres:s3cret@127.0.0.1:{port}/carnet",
           "AMQP_URI": f"amqp://guest:guest@127.0.0.1:{port}/", "REDIS_URL": f"redis://127.0.0.1:{port}/0"}

    missing = devrun.missing_servers(env)
    message = devrun.explain_missing(missing)

    assert [server for server, _, _ in missing] == ["PostgreSQL", "RabbitMQ", "Redis"]
    for server, variable, start in (("PostgreSQL", "DATABASE_URL", "sudo systemctl start postgresql"),
                                    ("RabbitMQ", "AMQP_URI", "sudo rabbitmq-server -detached"),
                                    ("Redis", "REDIS_URL", "sudo redis-server --daemonize yes")):
        assert f"{server} at " in message and f"({variable})" in message and start in message
    assert f"127.0.0.1:{port}" in message and "s3cret" not in message
    assert "Traceback" not in message


def test_only_the_missing_server_is_named():
    env = {"REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0"}

    assert [server for server, _, _ in devrun.missing_servers(env)] == ["Redis"]


def test_the_local_servers_answer():
    assert devrun.missing_servers({}) == []


def test_a_taken_port_is_named_with_the_setting_that_moves_it():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # every other port free: the services' ops ports together (five in a row from 8101 + the offset), the mail
        # catcher's alone, outside the ephemeral range (another test's connection cannot take them meanwhile)
        env = {"CARNET_PORT": str(port), "CARNET_OPS_PORT_OFFSET": str(free_port_offset()),
               "CARNET_MAIL_PORT": str(free_port())}

        busy = devrun.busy_ports(env)

    assert busy == [(port, "the gateway", "CARNET_PORT")]
    assert f"{port}: the gateway (change it with CARNET_PORT)" in devrun.explain_busy(busy)


def test_a_relay_of_ones_own_replaces_the_mail_catcher():
    with_catcher = [what for _, what, _ in devrun.ports({})]
    with_relay = [what for _, what, _ in devrun.ports({"SMTP_HOST": "smtp.example"})]

    assert "the mail catcher" in with_catcher and "the mail catcher" not in with_relay


def test_each_process_log_goes_to_the_console_and_its_own_file(tmp_path):
    console = io.StringIO()
    logs = devrun.ProcessLogs(tmp_path, console=console)

    logs.write("gateway       | started\n")
    logs.write("contacts      | {\"message\": \"ready\"}\n")
    logs.close()

    assert console.getvalue() == "gateway       | started\ncontacts      | {\"message\": \"ready\"}\n"
    assert (tmp_path / "gateway.log").read_text() == "started\n"
    assert (tmp_path / "contacts.log").read_text() == "{\"message\": \"ready\"}\n"


@pytest.fixture
def stored(tmp_path):
    """What a ``make run`` leaves behind, in storage of its own: a database, a service queue holding an event, Redis
    keys under its prefix (and one outside it), caught mail."""
    prefix = unique_name("reset") + ":"
    client = redis.Redis.from_url(config.redis_url())
    outside = unique_name("other")
    with fresh_database() as database_url, fresh_vhost() as amqp_uri:
        queue = devrun.service_queues()[0]
        with Connection(amqp_uri) as connection:
            channel = connection.channel()
            channel.queue_declare(queue, durable=True)
            channel.basic_publish(channel.prepare_message(b"{}"), exchange="", routing_key=queue)
            channel.close()
        client.set(prefix + "session:x", "1")
        client.set(prefix + "principal:y", "1")
        client.set(outside, "1")
        (tmp_path / "mail").mkdir()
        (tmp_path / "mail" / "invitation.eml").write_text("Subject: x\n\n")
        env = {"DATABASE_URL": database_url, "AMQP_URI": amqp_uri, "CARNET_REDIS_PREFIX": prefix,
               "CARNET_RUN_DIR": str(tmp_path)}
        try:
            yield env, queue, client, outside
        finally:
            client.delete(outside, prefix + "session:x", prefix + "principal:y")


def test_reset_forgets_what_make_run_stored_and_nothing_else(stored, capsys):
    env, queue, client, outside = stored
    database = make_url(env["DATABASE_URL"])

    assert devrun.reset(env) == 0

    admin = database.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin) as conn:
        assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database.database,)).fetchone() is None
    with Connection(env["AMQP_URI"]) as connection:
        with pytest.raises(ChannelError, match="NOT_FOUND"):
            connection.channel().queue_declare(queue, passive=True)
    assert client.keys(env["CARNET_REDIS_PREFIX"] + "*") == []
    assert client.get(outside) == b"1"
    assert not (Path(env["CARNET_RUN_DIR"]) / "mail").exists()
    assert f"dropped database {database.database}" in capsys.readouterr().out


def test_reset_refuses_while_make_run_holds_the_database(stored):
    env, queue, client, _ = stored
    plain = make_url(env["DATABASE_URL"]).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain):
        with pytest.raises(SystemExit, match="stop `make run`"):
            devrun.reset(env)
    assert client.keys(env["CARNET_REDIS_PREFIX"] + "*"), "a refused reset deletes nothing"


def test_the_demo_organization_is_created_once_with_records_its_pages_show(stack, dns_file):
    from support.http import ApiClient, login, ok
    from support.web import web_login

    env = {**os.environ, "CARNET_DNS_FILE": str(dns_file[0]), "AMQP_URI": stack.env["AMQP_URI"]}
    assert devrun.ensure_demo(stack.url, env).startswith("created")
    assert devrun.ensure_demo(stack.url, env) == "existing"  # the second make run logs in to it
    admin = ApiClient(stack.url, token=login(stack.url, devrun.DEMO["admin"]["username"],
                                             devrun.DEMO["admin"]["password"]))
    assert ok(admin.get("/contacts"))["total"] == 4 and ok(admin.get("/accounts"))["total"] == 2
    [opportunity] = ok(admin.get("/opportunities"))["items"]
    assert opportunity["total"] == "2706.50"  # 2,450.00 + 3 × 85.50, exact
    board = ok(admin.get("/tasks/board"))
    assert sorted(column["total"] for column in board["columns"]) == [1, 1, 1]
    # its sending domain is published in make run's DNS, checked and approved: campaigns can be sent at once (E-6)
    [domain] = ok(admin.get("/sending-domains"))
    assert (domain["domain"], domain["usable"]) == (devrun.DEMO_DOMAIN, True), domain
    # a published form adding contacts to its list: its hosted page answers (F-2)
    [form] = ok(admin.get("/forms"))
    assert (form["name"], form["status"], form["current_version"]) == ("Infolettre", "published", 1), form
    hosted = requests.get(f"{stack.url}/f/{form['key']}", headers={"Accept-Language": "en"}, timeout=30)
    assert hosted.status_code == 200 and "Keep in touch" in hosted.text
    page = web_login(stack.url, devrun.DEMO["admin"]["username"], devrun.DEMO["admin"]["password"]).get(
        "/app/contacts")
    assert page.status == 200, page.text
    rows = page.texts("#results tbody tr")
    assert [row[:len(name)] for row, name in zip(rows, ("Côté", "Gagnon", "Roy", "Tremblay"), strict=True)] == [
        "Côté", "Gagnon", "Roy", "Tremblay"]  # by last name, in French order
