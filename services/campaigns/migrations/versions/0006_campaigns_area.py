"""campaigns: what the campaigns area adds to campaigns (E-2, E-3, E-4): the index of the sent e-mails

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
    op.create_index("campaigns_started", "campaigns", ["org_id", "started_at"], schema=SCHEMA,
                    postgresql_where=sa.text("started_at IS NOT NULL"))


def downgrade():
    op.drop_index("campaigns_started", table_name="campaigns", schema=SCHEMA)
