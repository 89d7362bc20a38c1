"""campaigns: sending domains and their DKIM keys (E-5, E-6)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    pass


def downgrade():
    pass
