"""The tables of the audience area, on the schema's one ``MetaData`` (``carnet_campaigns.models``); migration
0003_audience writes the same shape out.

- ``contact_refs``: the read model of contacts (fed by the contacts events, ``audience/usecases.py``), with the
  contact's consent summary (``consent_express``, ``consent_implied_until``: written by the consent ledger's use
  cases in the same transaction as the ledger, so the E-4 counters read one table);
- ``consents``: the consent ledger (E-11), one row per consent given (express or implied), withdrawn in place;
- ``suppressions``: the organization's suppression list, one row per address (``email_key`` = lower(email)).
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from carnet_campaigns.models import metadata

# The FAQ's validity (E-4: an email with "@" and "." ending with neither; a language starting with an, en, f, es or d,
# case-insensitive) and C-24 (active). Migration 0003 writes the same text.
EMAIL_KEY = "lower(email) COLLATE \"C\""
EMAIL_HASH = "hashtextextended(lower(email), 0)"
MAILABLE = ("email IS NOT NULL AND strpos(email, '@') > 0 AND right(email, 1) <> '@' AND strpos(email, '.') > 0 "
            "AND right(email, 1) <> '.' AND language IS NOT NULL AND language ~* '^(an|en|f|es|d)' "
            "AND status = 'active'")

contact_refs = sa.Table(
    "contact_refs", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("email", sa.Text),
    sa.Column("language", sa.Text),
    sa.Column("subscribed", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("status", sa.Text, nullable=False, server_default="active"),  # active | inactive (C-24)
    sa.Column("first_name", sa.Text),
    sa.Column("last_name", sa.Text),
    sa.Column("rep1_id", sa.Text),
    sa.Column("rep2_id", sa.Text),
    sa.Column("list_ids", ARRAY(sa.Text), nullable=False, server_default="{}"),
    sa.Column("deleted_at", sa.DateTime(timezone=True)),
    sa.Column("lifecycle_at", sa.DateTime(timezone=True)),  # the occurred_at of the last delete/restore applied
    sa.Column("version", sa.BigInteger, nullable=False),  # 0: a placeholder an event about it left
    # The consent summary (E-11): an express consent in effect; the latest expiry of implied consents in effect.
    sa.Column("consent_express", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("consent_implied_until", sa.DateTime(timezone=True)),
    # Computed by PostgreSQL from the columns above (whoever writes the row), so the E-4 counters read them instead
    # of computing them for each of a million rows: the address (lower(email), byte order), its 64-bit hash (the
    # counters' duplicates: a sort of integers), and whether the contact is mailable for its own data (E-4, C-24).
    sa.Column("email_key", sa.Text(collation="C"), sa.Computed(EMAIL_KEY, persisted=True)),
    sa.Column("email_hash", sa.BigInteger, sa.Computed(EMAIL_HASH, persisted=True)),
    sa.Column("mailable", sa.Boolean, sa.Computed(MAILABLE, persisted=True)),
    sa.Index("audience_contact_refs_lists", "list_ids", postgresql_using="gin"),
    sa.Index("audience_contact_refs_org", "org_id"),
)

consents = sa.Table(
    "consents", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("contact_id", sa.Text, nullable=False),
    sa.Column("kind", sa.Text, nullable=False),  # express | implied
    sa.Column("basis", sa.Text),  # purchase | inquiry | other (implied: required)
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("proof", sa.Text, nullable=False, server_default=""),
    sa.Column("recorded_by", sa.Text),  # a user id; None when recorded from an event (a won opportunity)
    sa.Column("expires_at", sa.DateTime(timezone=True)),  # express: None
    sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
    sa.Column("withdrawn_by", sa.Text),
    sa.Column("opportunity_id", sa.Text),  # an implied consent recorded from a won opportunity (once per opportunity)
    sa.Column("merged_from", sa.Text),  # the merged-away contact it was recorded for (back to it on undo)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("kind IN ('express', 'implied')", name="consents_kind"),
    sa.CheckConstraint("basis IS NULL OR basis IN ('purchase', 'inquiry', 'other')", name="consents_basis"),
    sa.Index("consents_contact", "org_id", "contact_id", "given_at"),
    sa.Index("consents_opportunity", "org_id", "opportunity_id", unique=True,
             postgresql_where=sa.text("opportunity_id IS NOT NULL")),
)

suppressions = sa.Table(
    "suppressions", metadata,
    sa.Column("org_id", sa.Text, primary_key=True),
    sa.Column("email_key", sa.Text(collation="C"), primary_key=True),  # lower(email)
    sa.Column("email", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),  # unsubscribe | bounce | complaint | manual
    sa.Column("source", sa.Text, nullable=False, server_default=""),
    sa.Column("contact_id", sa.Text),
    sa.Column("created_by", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("reason IN ('unsubscribe', 'bounce', 'complaint', 'manual')", name="suppressions_reason"),
    sa.Index("suppressions_recent", "org_id", "created_at"),
)
