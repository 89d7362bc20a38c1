"""campaigns: templates (E-2, E-8)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    pass


def downgrade():
    pass
