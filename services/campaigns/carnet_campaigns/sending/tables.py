"""Recipients: one row per campaign and address (the unit of idempotency, E-10), written when sending starts and
moved by the sender's state machine (``sending/``); what recipients did is counted on the same row by the
engagement area (E-7, E-9). Migration 0005_sending writes it out."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.models import metadata

recipients = sa.Table(
    "recipients", metadata,
    sa.Column("id", sa.Text, primary_key=True),  # in the signed links (carnet_contracts.campaign_links)
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("campaign_id", sa.Text, sa.ForeignKey(campaigns.c.id, ondelete="CASCADE"), nullable=False),
    sa.Column("contact_id", sa.Text),
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("email_key", sa.Text, nullable=False),  # lower(email): duplicates are sent once (E-4)
    sa.Column("language", sa.Text, nullable=False),  # fr | en: the message's and the unsubscribe page's
    sa.Column("merge", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),  # merge field values
    # queued → sending → sent | retry (→ sending) | failed | suppressed | cancelled
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
    # The sender's (migration 0007_sender): when the current SMTP transaction began (set, committed, right before
    # it; cleared with its outcome: a row left 'sending' with it set is in doubt after a crash), whether the row was
    # settled in doubt, and the relay's end-of-DATA answer (its queue id) once accepted.
    sa.Column("in_flight_at", sa.DateTime(timezone=True)),
    sa.Column("in_doubt", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("smtp_answer", sa.Text),
    sa.CheckConstraint("state IN ('queued', 'sending', 'sent', 'retry', 'failed', 'suppressed', 'cancelled')",
                       name="recipients_state"),
    sa.UniqueConstraint("campaign_id", "email_key", name="recipients_once"),
    sa.Index("recipients_due", "campaign_id", "state", "next_attempt_at",
             postgresql_where=sa.text("state IN ('queued', 'retry', 'sending')")),
    sa.Index("recipients_contact", "org_id", "contact_id"),
    sa.Index("recipients_leases", "claimed_until", postgresql_where=sa.text("state = 'sending'")),
)
