"""contacts: enrichment (C-6, issue 12) keeps nothing of its own (proposals are computed on request, an applied
field is the contact's update and its history), so this revision changes nothing; it keeps the chain of issue 12's
revisions one per area.

Revision ID: 0014
Revises: 0013
"""
from alembic import op  # noqa: F401

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    pass


def downgrade():
    pass
