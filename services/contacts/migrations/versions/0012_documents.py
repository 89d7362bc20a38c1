"""contacts: documents (issue 12). Placeholder revision reserved for the documents area: it creates nothing yet.

Revision ID: 0012
Revises: 0011
"""
from alembic import op  # noqa: F401

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    pass


def downgrade():
    pass
