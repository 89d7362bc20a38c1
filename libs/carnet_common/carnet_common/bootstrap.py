"""Bring one service's storage and queues up to date: database, schema migrations, event queues.

Run once per release (the Kubernetes migration Job, ``make run``), never in every replica's start::

    python -m carnet_common.bootstrap --config services/identity/config.yml \
        --alembic services/identity/alembic.ini --service carnet_identity.service:IdentityService
"""
import argparse
import importlib
import logging

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from carnet_common import config as carnet_config
from carnet_common.settings import load_service_config
from carnet_common.topology import declare_event_queues

log = logging.getLogger("carnet.bootstrap")
MIGRATION_LOCK = 73_110_001


def ensure_database(url):
    """Create the database named in ``url`` if it does not exist yet (dev and CI convenience)."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')
            log.info("created database %s", parsed.database)


def migrate(alembic_ini, url):
    cfg = Config(alembic_ini)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = create_engine(url)
    with engine.connect() as conn:
        # One migrator at a time even if two releases overlap.
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
            conn.commit()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
            conn.commit()
    engine.dispose()


def load_class(path):
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True, help="the service's nameko config.yml")
    parser.add_argument("--alembic", required=True, help="the service's alembic.ini")
    parser.add_argument("--service", required=True, help="module:Class of the nameko service")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    url = carnet_config.database_url()
    ensure_database(url)
    migrate(args.alembic, url)
    service_config = load_service_config(args.config)
    queues = declare_event_queues(load_class(args.service), service_config)
    log.info("migrated %s; declared %d event queues", args.service, len(queues))


if __name__ == "__main__":
    main()
