"""Fresh storage per test run: a PostgreSQL database, a RabbitMQ vhost and a Redis key prefix of its own, so runs
never collide (parallel CI jobs, a developer's ``make run`` beside ``make test``)."""
import contextlib
import os
import shutil
import subprocess
import tempfile
import urllib.parse
import uuid

import psycopg
from sqlalchemy.engine import make_url

from carnet_common import config


def unique_name(prefix):
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


@contextlib.contextmanager
def fresh_database(prefix="carnet_t"):
    base = make_url(config.database_url())
    name = unique_name(prefix)
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _rabbitmqctl(*args):
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([ctl, "-q", *args], check=True, capture_output=True, timeout=60)


@contextlib.contextmanager
def fresh_vhost(prefix="carnet_t"):
    base = urllib.parse.urlsplit(config.amqp_uri())
    name = unique_name(prefix)
    _rabbitmqctl("add_vhost", name)
    user = urllib.parse.unquote(base.username or "guest")
    _rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
    try:
        yield urllib.parse.urlunsplit(base._replace(path="/" + urllib.parse.quote(name, safe="")))
    finally:
        _rabbitmqctl("delete_vhost", name)


def fresh_redis_prefix():
    return unique_name("t") + ":"


def test_env(database_url, amqp_uri, redis_prefix, **extra):
    """The environment a service or gateway process started by a test gets."""
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url,
        "AMQP_URI": amqp_uri,
        "REDIS_URL": config.redis_url(),
        "CARNET_REDIS_PREFIX": redis_prefix,
        "PSYCOPG_WAIT_FUNC": "wait_select",
        # Documents' files (DOC-5) of this run's system only, beside nobody else's.
        "DOCUMENTS_DIR": os.path.join(tempfile.gettempdir(), f"carnet-documents-{redis_prefix.strip(':')}"),
    })
    env.update({key: str(value) for key, value in extra.items()})
    return env


test_env.__test__ = False  # a helper, not a test, though its name starts with "test"
