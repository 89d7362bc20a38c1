"""contacts: relations between contacts (C-5) and the trash (C-10)

Revision ID: 0003_lifecycle
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0003_lifecycle"
down_revision = "0002"
branch_labels = None
depends_on = None

S = "contacts"


def upgrade():
    op.create_table(
        "relations",
        sa.Column("contact_a", sa.Text, sa.ForeignKey("contacts.contacts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("contact_b", sa.Text, sa.ForeignKey("contacts.contacts.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("contact_a < contact_b", name="relations_ordered_pair"),
        schema=S,
    )
    op.create_index("relations_b", "relations", ["contact_b"], schema=S)
    op.create_table(
        "trash",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("record_type", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_by", sa.Text),
        sa.Column("dependants", JSONB, nullable=False),
        schema=S,
    )
    op.create_index("trash_org_deleted", "trash", ["org_id", "deleted_at"], schema=S)
    op.execute("CREATE INDEX contacts_deleted_at ON contacts.contacts (deleted_at) WHERE deleted_at IS NOT NULL")
    op.execute("CREATE INDEX accounts_deleted_at ON contacts.accounts (deleted_at) WHERE deleted_at IS NOT NULL")


def downgrade():
    op.drop_index("accounts_deleted_at", "accounts", schema=S)
    op.drop_index("contacts_deleted_at", "contacts", schema=S)
    op.drop_table("trash", schema=S)
    op.drop_table("relations", schema=S)
