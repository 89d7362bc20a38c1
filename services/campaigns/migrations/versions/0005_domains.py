"""campaigns: sending domains and their DKIM keys (E-5, E-6)

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    op.create_table(
        "sending_domains",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("domain", sa.Text, nullable=False, unique=True),
        sa.Column("selector", sa.Text, nullable=False),
        sa.Column("private_key", sa.Text, nullable=False),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("checks", JSONB),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
        sa.Column("verified_at", sa.DateTime(timezone=True)),
        sa.Column("approval", sa.Text, nullable=False, server_default="pending"),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("approved_by", sa.Text),
        sa.Column("refusal_reason", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("approval IN ('pending', 'approved', 'refused')", name="sending_domains_approval"),
        schema=SCHEMA,
    )
    op.create_index("sending_domains_org", "sending_domains", ["org_id", "domain"], schema=SCHEMA)


def downgrade():
    op.drop_table("sending_domains", schema=SCHEMA)
