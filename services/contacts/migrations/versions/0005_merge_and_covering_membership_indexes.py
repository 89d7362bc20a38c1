"""contacts: merge the feature branches; membership indexes that cover the visibility check

Every contact query carries "is in one of the caller's active lists" (C-2). With an index on
``contact_id`` alone each probe reads the heap to check ``list_id``; at 1M contacts and 50 lists that made
the capped hit set cost up to 1.2 s (bench/results/contacts-2026-11-25.md). ``(contact_id, list_id)``
answers the probe from the index alone.

Revision ID: 0005
Revises: 0003_customization, 0003_jobs, 0003_lifecycle, 0004_opportunity_summaries
"""
from alembic import op

revision = "0005"
down_revision = ("0003_customization", "0003_jobs", "0003_lifecycle", "0004_opportunity_summaries")
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_index("list_members_contact_list", "list_members", ["contact_id", "list_id"], schema=S)
    op.drop_index("list_members_contact", table_name="list_members", schema=S)
    op.create_index("account_members_account_list", "account_members", ["account_id", "list_id"], schema=S)
    op.drop_index("account_members_account", table_name="account_members", schema=S)


def downgrade():
    op.create_index("account_members_account", "account_members", ["account_id"], schema=S)
    op.drop_index("account_members_account_list", table_name="account_members", schema=S)
    op.create_index("list_members_contact", "list_members", ["contact_id"], schema=S)
    op.drop_index("list_members_contact_list", table_name="list_members", schema=S)
