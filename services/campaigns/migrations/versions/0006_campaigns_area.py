"""campaigns: what the campaigns area adds to campaigns (E-2, E-3, E-4)

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID  # noqa: F401

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    pass


def downgrade():
    pass
