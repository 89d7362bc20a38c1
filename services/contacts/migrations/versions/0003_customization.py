"""contacts: custom field definitions (C-14), saved filters (C-12), list layouts and per-user sort (C-15)

Record values of custom fields live in the ``custom`` JSONB column that contacts and accounts already have.

Revision ID: 0003_customization
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_customization"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "contacts"


def _timestamps():
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


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
        *_timestamps(),
        sa.UniqueConstraint("org_id", "module", "key", name="custom_fields_key"),
        schema=S,
    )
    op.create_table(
        "saved_filters",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("module", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("criteria", JSONB, nullable=False),
        *_timestamps(),
        schema=S,
    )
    op.create_index("saved_filters_owner", "saved_filters", ["user_id", "module"], schema=S)
    op.create_table(
        "layouts",
        sa.Column("org_id", sa.Text, primary_key=True),
        sa.Column("module", sa.Text, primary_key=True),
        sa.Column("columns", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "user_sorts",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("module", sa.Text, primary_key=True),
        sa.Column("sort", sa.Text, nullable=False),
        schema=S,
    )


def downgrade():
    for table in ("user_sorts", "layouts", "saved_filters", "custom_fields"):
        op.drop_table(table, schema=S)
