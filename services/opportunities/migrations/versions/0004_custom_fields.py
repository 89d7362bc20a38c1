"""opportunities: custom fields of opportunities (C-14, O-2), optionally tied to a product type

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.create_table(
        "custom_fields",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("module", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("label_fr", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=False),
        sa.Column("hidden", sa.Boolean, nullable=False),
        sa.Column("height", sa.Integer),
        sa.Column("choices", JSONB),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("product_type", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("org_id", "module", "key", name="custom_fields_key"),
        schema=SCHEMA,
    )


def downgrade():
    op.drop_table("custom_fields", schema=SCHEMA)
