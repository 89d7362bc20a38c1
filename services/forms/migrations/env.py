from carnet_common.alembic_env import run_migrations

run_migrations(schema="forms")
