"""forms: forms and their immutable published versions (F-1, F-2)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "forms"


def upgrade():
    # The builder area's tables (carnet_forms/builder/tables.py), written out: history never changes.
    op.create_table(
        "forms",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("key", sa.Text, nullable=False, unique=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("draft", JSONB, nullable=False),
        sa.Column("current_version", sa.Integer),
        sa.Column("webhook_secret", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("status IN ('draft', 'published', 'unpublished')", name="forms_status"),
        schema=SCHEMA,
    )
    op.create_index("forms_org_updated", "forms", ["org_id", "updated_at"], schema=SCHEMA)
    op.create_table(
        "form_versions",
        sa.Column("form_id", UUID(as_uuid=False), sa.ForeignKey("forms.forms.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("definition", JSONB, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.Text),
        schema=SCHEMA,
    )


def downgrade():
    op.drop_table("form_versions", schema=SCHEMA)
    op.drop_index("forms_org_updated", "forms", schema=SCHEMA)
    op.drop_table("forms", schema=SCHEMA)
