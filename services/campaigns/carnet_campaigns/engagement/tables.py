"""The tables of the engagement area, on the schema's one ``MetaData`` (``carnet_campaigns.models``); its migration
(0008_engagement) writes the same shape out.

``recipient_events``: every tracking hit (open, click) drained from the gateway's queue, people's and bots' alike
(``bot_reason`` set for the latter, bots.py), and every unsubscribe (its source: the RFC 8058 one-click POST or the
page's form) — the proof of what a recipient did and when. The counters a report reads are on ``recipients``
(opened_at, open_count, clicked_at, click_count, unsubscribed_at), kept by the same transactions."""
import sqlalchemy as sa

from carnet_campaigns.models import metadata
from carnet_campaigns.sending.tables import recipients

recipient_events = sa.Table(
    "recipient_events", metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("campaign_id", sa.Text, nullable=False),
    sa.Column("recipient_id", sa.Text, sa.ForeignKey(recipients.c.id, ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # open | click | unsubscribe
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("url", sa.Text),  # a click's target
    sa.Column("bot_reason", sa.Text),  # null: a person (bots.py)
    sa.Column("method", sa.Text, nullable=False),  # GET | HEAD; an unsubscribe's source (one_click | page)
    sa.Column("user_agent", sa.Text, nullable=False, server_default=""),
    sa.Column("network", sa.Text, nullable=False, server_default=""),  # IPv4 /24, IPv6 /48
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("kind IN ('open', 'click', 'unsubscribe')", name="recipient_events_kind"),
    sa.Index("recipient_events_campaign", "campaign_id", "kind"),
    sa.Index("recipient_events_recipient", "recipient_id", "at"),
)
