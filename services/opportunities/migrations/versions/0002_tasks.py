"""opportunities: tasks (T-1, T-2, C-22) and their calendar invitations (T-3)

Revision ID: 0002_tasks
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_tasks"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    op.create_table(
        "tasks",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("due_at", sa.DateTime(timezone=True)),
        sa.Column("assignee_id", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text),
        sa.Column("account_id", sa.Text),
        sa.Column("opportunity_id", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("tasks_board", "tasks", ["org_id", "assignee_id", "status", "due_at"], schema=SCHEMA)
    op.create_index("tasks_created", "tasks", ["org_id", "created_at"], schema=SCHEMA)
    op.create_index("tasks_contact", "tasks", ["contact_id"], schema=SCHEMA)
    op.create_index("tasks_account", "tasks", ["account_id"], schema=SCHEMA)
    op.create_index("tasks_opportunity", "tasks", ["opportunity_id"], schema=SCHEMA)
    op.create_table(
        "task_invitations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("task_id", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.Text, nullable=False),
        sa.Column("recipient", sa.Text, nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("timezone", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("task_id", "idempotency_key", name="task_invitations_key"),
        schema=SCHEMA,
    )
    op.create_index("task_invitations_due", "task_invitations", ["status", "next_attempt_at"], schema=SCHEMA)


def downgrade():
    op.drop_table("task_invitations", schema=SCHEMA)
    op.drop_table("tasks", schema=SCHEMA)
