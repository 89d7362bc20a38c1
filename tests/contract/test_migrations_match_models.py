"""Each service's Alembic migrations build exactly the tables and columns its models describe.

Indexes that only the migrations declare (search indexes with operator classes, written out in SQL) are
allowed; an index a model declares must exist.
"""
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from carnet_common.bootstrap import migrate
from carnet_common.config import sqlalchemy_url
from carnet_common.testing import fresh_database

ROOT = Path(__file__).resolve().parents[2]
SERVICES = [("identity", "carnet_identity.models"), ("contacts", "carnet_contacts.models"),
            ("opportunities", "carnet_opportunities.models")]


@pytest.mark.parametrize("schema, models_module", SERVICES)
def test_migrations_build_the_models(schema, models_module):
    import importlib
    metadata = importlib.import_module(models_module).metadata
    with fresh_database() as url:
        url = sqlalchemy_url(url)
        migrate(str(ROOT / f"services/{schema}/alembic.ini"), url)
        engine = create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "include_schemas": True, "version_table_schema": schema,
                "include_name": lambda name, type_, parent: type_ != "schema" or name == schema,
                "include_object": lambda obj, name, type_, reflected, compare_to: name != "alembic_version"})
            diff = [d for d in compare_metadata(context, metadata)
                    if not (isinstance(d, tuple) and d[0] == "remove_index")]
        engine.dispose()
    assert diff == []


@pytest.mark.parametrize("schema", [schema for schema, _ in SERVICES])
def test_each_service_has_one_migration_head(schema):
    """Feature branches of a schema may coexist while built, but a merge revision joins them before
    they land, so every database reaches one known revision."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    heads = ScriptDirectory.from_config(Config(str(ROOT / f"services/{schema}/alembic.ini"))).get_heads()
    assert len(heads) == 1, heads
