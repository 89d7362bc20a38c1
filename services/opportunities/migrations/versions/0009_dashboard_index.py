"""opportunities: indexes of the dashboard's organization scope (D-1, S-4; issue 5: 1,000,000 tasks)

The dashboard counts every live record of the organization (``dashboard.py``). ``tasks_dashboard`` holds the live
tasks by creation date with their type: a period's activities by type read the index alone (index-only scan, no
table page). ``opportunities_dashboard`` holds the live opportunities by stage and close date with what the won and
lost totals read: a period's transactions read the index alone. ``contact_refs_trash`` and ``account_refs_trash``
hold only the records in the trash (few): the tasks and opportunities hanging on them are found from them and left
out, without reading the 1,000,000 contacts.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.create_index("tasks_dashboard", "tasks", ["org_id", "created_at"], schema=SCHEMA,
                    postgresql_include=["type"], postgresql_where=sa.text("deleted_at IS NULL"))
    op.create_index("opportunities_dashboard", "opportunities", ["org_id", "stage_id", "close_date"], schema=SCHEMA,
                    postgresql_include=["total", "account_id", "rep1_id", "rep2_id"],
                    postgresql_where=sa.text("deleted_at IS NULL"))
    for refs in ("contact_refs", "account_refs"):
        op.create_index(f"{refs}_trash", refs, ["org_id"], schema=SCHEMA,
                        postgresql_where=sa.text("deleted_at IS NOT NULL"))


def downgrade():
    for refs in ("account_refs", "contact_refs"):
        op.drop_index(f"{refs}_trash", table_name=refs, schema=SCHEMA)
    op.drop_index("opportunities_dashboard", table_name="opportunities", schema=SCHEMA)
    op.drop_index("tasks_dashboard", table_name="tasks", schema=SCHEMA)
