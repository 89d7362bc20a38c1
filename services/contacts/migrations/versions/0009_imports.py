"""contacts: imports (issue 12). Placeholder revision reserved for the imports area: it creates nothing yet.

Revision ID: 0009
Revises: 0008
"""
from alembic import op  # noqa: F401

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    pass


def downgrade():
    pass
