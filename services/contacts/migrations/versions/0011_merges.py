"""contacts: merges of duplicates (C-20 merge and undo, issue 12)

One row per merge of two contacts or two accounts: who merged what into what, when, until when it can be undone,
and the snapshot taken at merge time from which the undo restores both records (carnet_contacts/merges/usecases.py
says what the snapshot holds). ``merges_org_recent`` serves the list of an organization's recent merges;
``merges_loser`` finds the merge a record was merged away by (409 "already merged").

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "merges",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("record_type", sa.Text, nullable=False),
        sa.Column("winner_id", sa.Text, nullable=False),
        sa.Column("loser_id", sa.Text, nullable=False),
        sa.Column("winner_name", sa.Text, nullable=False),
        sa.Column("loser_name", sa.Text, nullable=False),
        sa.Column("merged_by", sa.Text),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undo_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        sa.Column("undone_by", sa.Text),
        sa.Column("snapshot", JSONB, nullable=False),
        sa.CheckConstraint("record_type IN ('contact', 'account')", name="merges_record_type"),
        sa.CheckConstraint("winner_id <> loser_id", name="merges_two_records"),
        schema=S,
    )
    op.create_index("merges_org_recent", "merges", ["org_id", "merged_at"], schema=S)
    op.create_index("merges_loser", "merges", ["loser_id"], schema=S)


def downgrade():
    op.drop_table("merges", schema=S)
