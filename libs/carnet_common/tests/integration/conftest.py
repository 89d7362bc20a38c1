"""Real PostgreSQL and RabbitMQ for the kit's providers: a fresh database and vhost per run.

The providers are driven directly (a nameko container is not needed to test what they do with the
database and the broker); ``kit_fakes.FakeContainer`` only carries the config and service name nameko would.
"""
import pytest
import sqlalchemy as sa
from kombu import Connection

from carnet_common import db
from carnet_common.tables import kit_tables
from carnet_testing import fresh_database, fresh_vhost


@pytest.fixture(scope="session")
def database_url():
    with fresh_database("carnet_kit_t") as url:
        yield url
        db.dispose_engines()


@pytest.fixture(scope="session")
def amqp_uri():
    with fresh_vhost("carnet_kit_t") as uri:
        yield uri


@pytest.fixture(scope="session")
def engine(database_url):
    return db.get_engine(database_url)


@pytest.fixture(scope="session")
def tables(engine):
    metadata = sa.MetaData(schema="kit")
    outbox, inbox, failures = kit_tables(metadata)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE SCHEMA kit"))
        metadata.create_all(conn)
    return {"outbox": outbox, "inbox": inbox, "failures": failures}


@pytest.fixture
def clean_tables(engine, tables):
    with engine.begin() as conn:
        for table in tables.values():
            conn.execute(table.delete())
    return tables


@pytest.fixture
def config(database_url, amqp_uri):
    return {"DATABASE_URL": database_url, "AMQP_URI": amqp_uri, "serializer": "json"}


@pytest.fixture
def broker(amqp_uri):
    with Connection(amqp_uri) as connection:
        yield connection
