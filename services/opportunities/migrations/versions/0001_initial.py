"""opportunities: kit tables and the read model of contacts

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from carnet_common.tables import create_kit_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def _ref_columns():
    return (
        sa.Column("rep1_id", sa.Text),
        sa.Column("rep2_id", sa.Text),
        sa.Column("list_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("version", sa.BigInteger, nullable=False),
    )


def upgrade():
    create_kit_tables(op, SCHEMA)
    op.create_table(
        "account_refs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        *_ref_columns(),
        schema=SCHEMA,
    )
    op.create_table(
        "contact_refs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text),
        sa.Column("first_name", sa.Text),
        sa.Column("last_name", sa.Text),
        sa.Column("email", sa.Text),
        *_ref_columns(),
        schema=SCHEMA,
    )
    op.create_index("account_refs_org", "account_refs", ["org_id"], schema=SCHEMA)
    op.create_index("contact_refs_account", "contact_refs", ["account_id"], schema=SCHEMA)
    op.create_index("account_refs_lists", "account_refs", ["list_ids"], postgresql_using="gin", schema=SCHEMA)
    op.create_index("contact_refs_lists", "contact_refs", ["list_ids"], postgresql_using="gin", schema=SCHEMA)


def downgrade():
    for name in ("contact_refs", "account_refs", "outbox", "inbox", "inbox_failures"):
        op.drop_table(name, schema=SCHEMA)
