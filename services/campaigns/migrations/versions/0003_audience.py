"""campaigns: the read model of contacts, consent ledger, suppression list (E-4, E-11)

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"
EMAIL_KEY = "lower(email) COLLATE \"C\""
EMAIL_HASH = "hashtextextended(lower(email), 0)"
MAILABLE = ("email IS NOT NULL AND strpos(email, '@') > 0 AND right(email, 1) <> '@' AND strpos(email, '.') > 0 "
            "AND right(email, 1) <> '.' AND language IS NOT NULL AND language ~* '^(an|en|f|es|d)' "
            "AND status = 'active'")


def upgrade():
    op.create_table(
        "contact_refs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("email", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("subscribed", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("rep1_id", sa.Text),
        sa.Column("rep2_id", sa.Text),
        sa.Column("list_ids", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("lifecycle_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("consent_express", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("consent_implied_until", sa.DateTime(timezone=True)),
        sa.Column("email_key", sa.Text(collation="C"), sa.Computed(EMAIL_KEY, persisted=True)),
        sa.Column("email_hash", sa.BigInteger, sa.Computed(EMAIL_HASH, persisted=True)),
        sa.Column("mailable", sa.Boolean, sa.Computed(MAILABLE, persisted=True)),
        schema=SCHEMA,
    )
    op.create_index("audience_contact_refs_lists", "contact_refs", ["list_ids"], postgresql_using="gin",
                    schema=SCHEMA)
    op.create_index("audience_contact_refs_org", "contact_refs", ["org_id"], schema=SCHEMA)
    op.create_table(
        "consents",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("basis", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("proof", sa.Text, nullable=False, server_default=""),
        sa.Column("recorded_by", sa.Text),
        sa.Column("expires_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True)),
        sa.Column("withdrawn_by", sa.Text),
        sa.Column("opportunity_id", sa.Text),
        sa.Column("merged_from", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('express', 'implied')", name="consents_kind"),
        sa.CheckConstraint("basis IS NULL OR basis IN ('purchase', 'inquiry', 'other')", name="consents_basis"),
        schema=SCHEMA,
    )
    op.create_index("consents_contact", "consents", ["org_id", "contact_id", "given_at"], schema=SCHEMA)
    op.create_index("consents_opportunity", "consents", ["org_id", "opportunity_id"], unique=True, schema=SCHEMA,
                    postgresql_where=sa.text("opportunity_id IS NOT NULL"))
    op.create_table(
        "suppressions",
        sa.Column("org_id", sa.Text, primary_key=True),
        sa.Column("email_key", sa.Text(collation="C"), primary_key=True),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("contact_id", sa.Text),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("reason IN ('unsubscribe', 'bounce', 'complaint', 'manual')", name="suppressions_reason"),
        schema=SCHEMA,
    )
    op.create_index("suppressions_recent", "suppressions", ["org_id", "created_at"], schema=SCHEMA)


def downgrade():
    for name in ("suppressions", "consents", "contact_refs"):
        op.drop_table(name, schema=SCHEMA)
