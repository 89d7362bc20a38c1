"""contacts: duplicates (issue 12). Placeholder revision reserved for the duplicates area: it creates nothing yet.

Revision ID: 0010
Revises: 0009
"""
from alembic import op  # noqa: F401

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    pass


def downgrade():
    pass
