"""forms: submissions, quarantine and views (F-2, F-4, F-5)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
SCHEMA = "forms"


def upgrade():
    op.create_table(
        "submissions",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("form_id", UUID(as_uuid=False), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reasons", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("meta", JSONB, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
        sa.Column("consent", JSONB),
        sa.Column("released_by", sa.Text),
        sa.Column("released_at", sa.DateTime(timezone=True)),
        sa.Column("discarded_by", sa.Text),
        sa.Column("discarded_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("channel IN ('embed', 'html', 'webhook')", name="submissions_channel"),
        sa.CheckConstraint("status IN ('accepted', 'quarantined', 'discarded')", name="submissions_status"),
        schema=SCHEMA,
    )
    op.create_index("submissions_form_received", "submissions",
                    ["form_id", sa.text("received_at DESC"), sa.text("id DESC")], schema=SCHEMA)
    op.create_index("submissions_org_status", "submissions", ["org_id", "status"], schema=SCHEMA)
    op.create_table(
        "form_views",
        sa.Column("form_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("period", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("views", sa.Integer, nullable=False),
        schema=SCHEMA,
    )


def downgrade():
    op.drop_table("form_views", schema=SCHEMA)
    op.drop_table("submissions", schema=SCHEMA)
