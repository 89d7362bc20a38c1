"""opportunities: what a merge of contacts or accounts moved (C-20), to move it back on undo

A merge in the contacts service (``contact_merged``/``account_merged``) moves the merged-away record's tasks and
opportunities to the record that stayed; each move is one row here, read back by the undo
(``contact_merge_undone``/``account_merge_undone``). carnet_opportunities/merges/ says how.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.create_table(
        "merge_moves",
        sa.Column("merge_id", sa.Text, primary_key=True),
        sa.Column("item_type", sa.Text, primary_key=True),
        sa.Column("item_id", sa.Text, primary_key=True),
        sa.Column("link", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("from_id", sa.Text, nullable=False),
        sa.Column("to_id", sa.Text, nullable=False),
        schema=SCHEMA,
    )


def downgrade():
    op.drop_table("merge_moves", schema=SCHEMA)
