"""campaigns: the read model of contacts, consent ledger, suppression list (E-4, E-11)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID  # noqa: F401

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    pass


def downgrade():
    pass
