"""contacts: lists, grants, selections, accounts, contacts, memberships, history, kit tables

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

S = "contacts"
TEXT_ACCOUNT = ("email", "phone", "fax", "website", "street", "city", "province", "postal_code", "country",
                "rep1_id", "rep2_id")
TEXT_CONTACT = ("first_name", "last_name", "title", "email", "language", "phone", "mobile", "fax",
                "other_phone", "street", "city", "province", "postal_code", "country", "website",
                "rep1_id", "rep2_id")


def _timestamps():
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def _record_columns():
    return (
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("custom", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("search_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("phone_digits", sa.Text, nullable=False, server_default=""),
    )


def _trgm(name, table, column):
    op.execute(f'CREATE INDEX {name} ON {S}.{table} USING gin ({column} public.gin_trgm_ops)')


def upgrade():
    # Trusted extensions (PostgreSQL 13+): the database owner may create them. Kept in public, where
    # other services may use them too; the IMMUTABLE wrapper lives in our schema (criteria compiler).
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    op.execute(f"""
        CREATE OR REPLACE FUNCTION {S}.f_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""")

    op.create_table(
        "lists",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("access_all_users", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("private", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_by", sa.Text, nullable=False),
        *_timestamps(),
        schema=S,
    )
    op.create_index("lists_org", "lists", ["org_id"], schema=S)
    op.create_table(
        "list_grants",
        sa.Column("list_id", sa.Text, sa.ForeignKey(f"{S}.lists.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Text, primary_key=True),
        schema=S,
    )
    op.create_index("list_grants_user", "list_grants", ["user_id"], schema=S)
    op.create_table(
        "selected_lists",
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("list_id", sa.Text, sa.ForeignKey(f"{S}.lists.id", ondelete="CASCADE"), primary_key=True),
        schema=S,
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        *(sa.Column(name, sa.Text) for name in TEXT_ACCOUNT),
        *_record_columns(),
        sa.Column("city_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("street_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        schema=S,
    )
    op.execute(f'CREATE INDEX accounts_sort ON {S}.accounts (org_id, name COLLATE "und-x-icu", id)')
    _trgm("accounts_search_trgm", "accounts", "search_norm")
    _trgm("accounts_city_trgm", "accounts", "city_norm")
    op.create_table(
        "contacts",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text, sa.ForeignKey(f"{S}.accounts.id")),
        *(sa.Column(name, sa.Text) for name in TEXT_CONTACT),
        sa.Column("subscribed", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("is_primary", sa.Boolean, nullable=False, server_default=sa.false()),
        *_record_columns(),
        sa.Column("title_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("email_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("eff_city_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("eff_street_norm", sa.Text, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        *_timestamps(),
        schema=S,
    )
    # People sort with an ICU collation ("Émond" before "Z"; the database collation is C.UTF-8).
    op.execute(f'CREATE INDEX contacts_sort ON {S}.contacts '
               f'(org_id, last_name COLLATE "und-x-icu", first_name COLLATE "und-x-icu", id)')
    op.create_index("contacts_account", "contacts", ["account_id"], schema=S)
    _trgm("contacts_search_trgm", "contacts", "search_norm")
    _trgm("contacts_title_trgm", "contacts", "title_norm")
    _trgm("contacts_email_trgm", "contacts", "email_norm")
    _trgm("contacts_phone_trgm", "contacts", "phone_digits")
    _trgm("contacts_eff_city_trgm", "contacts", "eff_city_norm")
    _trgm("contacts_eff_street_trgm", "contacts", "eff_street_norm")
    op.create_table(
        "list_members",
        sa.Column("list_id", sa.Text, sa.ForeignKey(f"{S}.lists.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("contact_id", sa.Text, sa.ForeignKey(f"{S}.contacts.id", ondelete="CASCADE"),
                  primary_key=True),
        schema=S,
    )
    op.create_index("list_members_contact", "list_members", ["contact_id"], schema=S)
    op.create_table(
        "account_members",
        sa.Column("list_id", sa.Text, sa.ForeignKey(f"{S}.lists.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("account_id", sa.Text, sa.ForeignKey(f"{S}.accounts.id", ondelete="CASCADE"),
                  primary_key=True),
        schema=S,
    )
    op.create_index("account_members_account", "account_members", ["account_id"], schema=S)
    op.create_table(
        "history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("record_type", sa.Text, nullable=False),
        sa.Column("record_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("field", sa.Text, nullable=False),
        sa.Column("old", JSONB),
        sa.Column("new", JSONB),
        schema=S,
    )
    op.create_index("history_record", "history", ["record_type", "record_id", "id"], schema=S)
    # The kit's tables (outbox, inbox, dead letters: carnet_common.tables), written out: history never changes.
    op.create_table(
        "outbox",
        sa.Column("id", UUID(as_uuid=False), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("headers", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("unroutable", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=S,
    )
    op.create_index("outbox_pending", "outbox", ["created_at"], schema=S,
                    postgresql_where=sa.text("published_at IS NULL"))
    op.create_table(
        "inbox",
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_table(
        "inbox_failures",
        sa.Column("event_id", UUID(as_uuid=False), primary_key=True),
        sa.Column("handler", sa.Text, primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("parked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )


def downgrade():
    for name in ("history", "account_members", "list_members", "contacts", "accounts", "selected_lists",
                 "list_grants", "lists", "outbox", "inbox", "inbox_failures"):
        op.drop_table(name, schema=S)
    op.execute(f"DROP FUNCTION IF EXISTS {S}.f_unaccent(text)")
