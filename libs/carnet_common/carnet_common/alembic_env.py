"""The body of every service's Alembic ``env.py``: one schema, its own version table inside it."""
from alembic import context
from sqlalchemy import create_engine, text

from carnet_common import config as carnet_config


def run_migrations(*, schema, target_metadata=None):
    cfg = context.config
    connection = cfg.attributes.get("connection")
    if connection is None:
        url = cfg.get_main_option("sqlalchemy.url") or carnet_config.database_url()
        engine = create_engine(carnet_config.sqlalchemy_url(url))
        with engine.connect() as conn:
            _run(conn, schema, target_metadata)
            conn.commit()
        engine.dispose()
    else:
        _run(connection, schema, target_metadata)


def _run(connection, schema, target_metadata):
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table_schema=schema,
        include_schemas=False,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
