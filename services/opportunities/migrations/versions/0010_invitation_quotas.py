"""opportunities: the index the task invitation quotas count by (T-3, issue 10 §2)

A request to invite is refused past a number of invitations per organization and per user over the last 24 hours
(``tasks/usecases.py``); ``task_invitations_recent`` holds an organization's invitations by creation time, so the
count reads only that day's rows of that organization.

Revision ID: 0010
Revises: 0009
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.create_index("task_invitations_recent", "task_invitations", ["org_id", "created_at"], schema=SCHEMA)


def downgrade():
    op.drop_index("task_invitations_recent", table_name="task_invitations", schema=SCHEMA)
