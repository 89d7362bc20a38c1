"""forms: what a submission became and double opt-in confirmations (F-3, F-4)

``confirmations``: one row per submission of a double opt-in form, the confirmation e-mail's state (sent at most
once) and when its link was followed (carnet_forms/effects/tables.py). ``confirmations_due`` serves the sending job.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "forms"


def upgrade():
    op.create_table(
        "confirmations",
        sa.Column("submission_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("form_id", UUID(as_uuid=False), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("contact_id", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.Column("confirmed_ip", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed', 'unknown')",
                           name="confirmations_status"),
        schema=SCHEMA,
    )
    op.create_index("confirmations_due", "confirmations", ["next_attempt_at"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade():
    op.drop_table("confirmations", schema=SCHEMA)
