"""contacts: automations (issue 12). Placeholder revision reserved for the automations area: it creates nothing yet.

Revision ID: 0013
Revises: 0012
"""
from alembic import op  # noqa: F401

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    pass


def downgrade():
    pass
