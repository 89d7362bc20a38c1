"""campaigns: opens, clicks, bounces and unsubscribes (E-7, E-9)

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    op.create_table(
        "recipient_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("campaign_id", sa.Text, nullable=False),
        sa.Column("recipient_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.recipients.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("bot_reason", sa.Text),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
        sa.Column("network", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('open', 'click', 'unsubscribe')", name="recipient_events_kind"),
        schema=SCHEMA,
    )
    op.create_index("recipient_events_campaign", "recipient_events", ["campaign_id", "kind"], schema=SCHEMA)
    op.create_index("recipient_events_recipient", "recipient_events", ["recipient_id", "at"], schema=SCHEMA)


def downgrade():
    op.drop_table("recipient_events", schema=SCHEMA)
