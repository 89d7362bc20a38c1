"""Each service's Alembic migrations build exactly the tables and columns its models describe, and import no live
code (a migration is history: editing the kit or a model must not change what an old revision builds).

Indexes that only the migrations declare (search indexes with operator classes, written out in SQL) are
allowed; an index a model declares must exist.
"""
import ast
import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from stack import ROOT, SERVICES  # scripts/stack.py (services.toml), on the path by pytest.ini

from carnet_common.bootstrap import migrate
from carnet_common.config import sqlalchemy_url
from carnet_testing import fresh_database

SCHEMAS = [service["name"] for service in SERVICES]
# What a migration may import: Alembic, SQLAlchemy and the standard library, nothing of ours.
MIGRATION_IMPORTS = ("alembic", "sqlalchemy", "datetime", "json", "uuid", "textwrap")


@pytest.mark.parametrize("schema", SCHEMAS)
def test_migrations_build_the_models(schema):
    metadata = importlib.import_module(f"carnet_{schema}.models").metadata
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
            # Alembic does not compare CHECK constraints: their names must match too.
            inspector = sa.inspect(conn)
            checks = {(table, c["name"]) for table in inspector.get_table_names(schema=schema)
                      for c in inspector.get_check_constraints(table, schema=schema)}
        engine.dispose()
    assert diff == []
    declared = {(table.name, c.name) for table in metadata.tables.values() for c in table.constraints
                if isinstance(c, sa.CheckConstraint)}
    assert checks == declared


@pytest.mark.parametrize("path", sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("services/*/migrations/**/*.py")))
def test_a_migration_imports_no_live_code(path):
    tree = ast.parse((ROOT / path).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    if path.endswith("migrations/env.py"):  # the environment that runs them, not history
        imported -= {"carnet_common.alembic_env"}
    assert {name for name in imported if name.split(".")[0] not in MIGRATION_IMPORTS} == set()


@pytest.mark.parametrize("schema", SCHEMAS)
def test_each_service_has_one_migration_head(schema):
    """Feature branches of a schema may coexist while built, but a merge revision joins them before
    they land, so every database reaches one known revision."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    heads = ScriptDirectory.from_config(Config(str(ROOT / f"services/{schema}/alembic.ini"))).get_heads()
    assert len(heads) == 1, heads
