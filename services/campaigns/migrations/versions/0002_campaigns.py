"""campaigns: campaigns (drafts, sent, one-to-one e-mails) and their recipients (E-3, E-4, E-10)

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("list_ids", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("contact_id", sa.Text),
        sa.Column("template_id", sa.Text),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("html", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("from_name", sa.Text, nullable=False, server_default=""),
        sa.Column("from_email", sa.Text, nullable=False, server_default=""),
        sa.Column("reply_to", sa.Text),
        sa.Column("require_express", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("counters", JSONB),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("kind IN ('campaign', 'single')", name="campaigns_kind"),
        sa.CheckConstraint("status IN ('draft', 'sending', 'paused', 'sent', 'cancelled')", name="campaigns_status"),
        schema=SCHEMA,
    )
    op.create_index("campaigns_org", "campaigns", ["org_id", "kind", "created_at"], schema=SCHEMA)
    op.create_index("campaigns_contact", "campaigns", ["org_id", "contact_id"], schema=SCHEMA,
                    postgresql_where=sa.text("contact_id IS NOT NULL"))
    op.create_index("campaigns_active", "campaigns", ["status"], schema=SCHEMA,
                    postgresql_where=sa.text("status = 'sending'"))
    op.create_table(
        "recipients",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("campaign_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.campaigns.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("contact_id", sa.Text),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("email_key", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("merge", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("state", sa.Text, nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("message_id", sa.Text, nullable=False, unique=True),
        sa.Column("claimed_by", sa.Text),
        sa.Column("claimed_until", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.Column("opened_at", sa.DateTime(timezone=True)),
        sa.Column("open_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("clicked_at", sa.DateTime(timezone=True)),
        sa.Column("click_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True)),
        sa.Column("bounced_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'retry', 'failed', 'suppressed', 'cancelled')",
                           name="recipients_state"),
        sa.UniqueConstraint("campaign_id", "email_key", name="recipients_once"),
        schema=SCHEMA,
    )
    op.create_index("recipients_due", "recipients", ["campaign_id", "state", "next_attempt_at"], schema=SCHEMA,
                    postgresql_where=sa.text("state IN ('queued', 'retry', 'sending')"))
    op.create_index("recipients_contact", "recipients", ["org_id", "contact_id"], schema=SCHEMA)


def downgrade():
    op.drop_table("recipients", schema=SCHEMA)
    op.drop_table("campaigns", schema=SCHEMA)
