"""Campaigns (one row per campaign, draft or sent; a one-to-one e-mail from a record is a campaign of kind
``single`` with one recipient, so both are sent, tracked and reported alike). Migration 0002_campaigns writes it out;
0006_campaigns_area adds the campaigns area's index of sent e-mails."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from carnet_campaigns.models import metadata

campaigns = sa.Table(
    "campaigns", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # campaign | single
    sa.Column("name", sa.Text, nullable=False),
    # draft → sending ⇄ paused → sent, or → cancelled (sending and paused only)
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("list_ids", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("contact_id", sa.Text),  # kind single: the record it was sent from
    sa.Column("template_id", sa.Text),
    sa.Column("subject", sa.Text, nullable=False, server_default=""),
    sa.Column("html", sa.Text, nullable=False, server_default=""),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("from_name", sa.Text, nullable=False, server_default=""),
    sa.Column("from_email", sa.Text, nullable=False, server_default=""),
    sa.Column("reply_to", sa.Text),
    sa.Column("require_express", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("counters", JSONB),  # the E-4 counters when sending started
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.CheckConstraint("kind IN ('campaign', 'single')", name="campaigns_kind"),
    sa.CheckConstraint("status IN ('draft', 'sending', 'paused', 'sent', 'cancelled')", name="campaigns_status"),
    sa.Index("campaigns_org", "org_id", "kind", "created_at"),
    sa.Index("campaigns_contact", "org_id", "contact_id", postgresql_where=sa.text("contact_id IS NOT NULL")),
    sa.Index("campaigns_active", "status", postgresql_where=sa.text("status = 'sending'")),
    # the module's sent e-mails, newest first (GET /sent-emails)
    sa.Index("campaigns_started", "org_id", "started_at", postgresql_where=sa.text("started_at IS NOT NULL")),
)
