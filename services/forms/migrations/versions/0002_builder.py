"""forms: forms and their immutable published versions (F-1, F-2)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import JSONB, UUID  # noqa: F401

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "forms"


def upgrade():
    pass  # the builder area's tables (carnet_forms/builder/tables.py), written out


def downgrade():
    pass
