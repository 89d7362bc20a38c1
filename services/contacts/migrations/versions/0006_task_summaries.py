"""contacts: a summary of each task (C-12 action criterion "has a task of type … (status …)"), fed by events

The opportunities service publishes task_created/updated/deleted (its ``task_events.py``); contacts keeps the
few fields the criterion reads, so filtering needs no cross-schema join (opportunities area of issue 5).
A contact has the tasks naming it, an account the tasks naming it: the indexes lead with the organization
and the owner, then type and status, the columns a criterion compares.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "task_summaries",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text),
        sa.Column("account_id", sa.Text),
        sa.Column("opportunity_id", sa.Text),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        schema=S,
    )
    op.create_index("task_summaries_contact", "task_summaries", ["org_id", "contact_id", "type", "status"],
                    schema=S)
    op.create_index("task_summaries_account", "task_summaries", ["org_id", "account_id", "type", "status"],
                    schema=S)


def downgrade():
    op.drop_table("task_summaries", schema=S)
