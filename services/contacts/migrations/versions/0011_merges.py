"""contacts: merges (issue 12). Placeholder revision reserved for the merges area: it creates nothing yet.

Revision ID: 0011
Revises: 0010
"""
from alembic import op  # noqa: F401

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    pass


def downgrade():
    pass
