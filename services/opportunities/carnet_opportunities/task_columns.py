"""The columns migration 0005 adds to ``tasks`` and ``task_invitations`` (C-10, T-3).

They belong in ``models.py``, which another change is editing at the same time: they are declared here until
they move there (each only if ``models.py`` does not declare it yet, so the move breaks nothing), and every
module that uses them imports this one.
- ``tasks.deleted_at``/``deleted_with``: a task deleted with a contact or an account (its id) stays, hidden,
  until that record is restored (both cleared) or purged (the task removed).
- ``task_invitations.method``: REQUEST or CANCEL; ``event``: the calendar event a CANCEL names, copied when it
  is queued because the task may be gone when it is sent.
"""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_opportunities.models import task_invitations, tasks

COLUMNS = [
    (tasks, sa.Column("deleted_at", sa.DateTime(timezone=True))),
    (tasks, sa.Column("deleted_with", sa.Text)),
    (task_invitations, sa.Column("method", sa.Text, nullable=False, server_default="REQUEST")),
    (task_invitations, sa.Column("event", JSONB)),
]
for _table, _column in COLUMNS:
    if _column.name not in _table.c:
        _table.append_column(_column)
