"""identity: organizations, roles, users, audit log, kit tables

Revision ID: 0001
Revises:
"""
from alembic import op

from carnet_common.tables import create_kit_tables
from carnet_identity import models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = [models.organizations, models.roles, models.users, models.audit_log]


def upgrade():
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind)
    create_kit_tables(op, "identity")


def downgrade():
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind)
    for name in ("outbox", "inbox", "inbox_failures"):
        op.drop_table(name, schema="identity")
