"""contacts: who an opportunity or a task belongs to, in its summary (C-12 action criteria under S-4)

A caller limited to their own records (``own_records_only``) counts in an action criterion only the
opportunities whose rep 1 or rep 2 they are, and the tasks assigned to them or created by them, as the
opportunities service shows them (its ``visibility.py``, ``task_usecases.task_visible``). The summaries keep
those people from the events (opportunity_summary.py, task_summary.py). Rows already there stay empty until
the next event about them: meanwhile they are nobody's, so a limited caller does not count them. No index:
the columns are only read on the few summaries of one record.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None
S = "contacts"
COLUMNS = {"opportunity_summaries": ("rep1_id", "rep2_id"), "task_summaries": ("assignee_id", "created_by")}


def upgrade():
    for table, names in COLUMNS.items():
        for name in names:
            op.add_column(table, sa.Column(name, sa.Text), schema=S)


def downgrade():
    for table, names in COLUMNS.items():
        for name in names:
            op.drop_column(table, name, schema=S)
