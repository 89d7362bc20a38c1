"""campaigns: opens, clicks, bounces and unsubscribes (E-7, E-9)

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    pass


def downgrade():
    pass
