"""opportunities: tasks deleted with a contact or an account (C-10) and invitation cancellations (T-3)

``tasks.deleted_at``/``deleted_with``: a task deleted with a record stays, hidden, until the record is restored
(cleared) or purged (removed). ``task_invitations.method`` is REQUEST or CANCEL; ``event`` is the calendar event a
CANCEL names (the task may be gone by the time it is sent).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.add_column("tasks", sa.Column("deleted_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column("tasks", sa.Column("deleted_with", sa.Text), schema=SCHEMA)
    op.execute("CREATE INDEX tasks_deleted_with ON opportunities.tasks (org_id, deleted_with) "
               "WHERE deleted_with IS NOT NULL")
    op.add_column("task_invitations", sa.Column("method", sa.Text, nullable=False, server_default="REQUEST"),
                  schema=SCHEMA)
    op.add_column("task_invitations", sa.Column("event", JSONB), schema=SCHEMA)


def downgrade():
    op.drop_column("task_invitations", "event", schema=SCHEMA)
    op.drop_column("task_invitations", "method", schema=SCHEMA)
    op.execute("DROP INDEX opportunities.tasks_deleted_with")
    op.drop_column("tasks", "deleted_with", schema=SCHEMA)
    op.drop_column("tasks", "deleted_at", schema=SCHEMA)
