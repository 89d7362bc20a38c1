"""opportunities: the board index covers what counting a user's tasks reads (T-2, D-1; issue 5: 1,000,000 tasks)

``tasks_board`` (organization, assignee, status, due date) now covers the columns the visibility rule and the
counts read (creation date, type, author, the three links) and only holds live tasks (``deleted_at`` NULL, which
every read of tasks requires): a board's totals and one user's dashboard activities read the index alone
(index-only scan) instead of one table page per task.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"
COVERED = ["created_at", "type", "created_by", "contact_id", "account_id", "opportunity_id"]


def upgrade():
    op.drop_index("tasks_board", table_name="tasks", schema=SCHEMA)
    op.create_index("tasks_board", "tasks", ["org_id", "assignee_id", "status", "due_at"], schema=SCHEMA,
                    postgresql_include=COVERED, postgresql_where=sa.text("deleted_at IS NULL"))


def downgrade():
    op.drop_index("tasks_board", table_name="tasks", schema=SCHEMA)
    op.create_index("tasks_board", "tasks", ["org_id", "assignee_id", "status", "due_at"], schema=SCHEMA)
