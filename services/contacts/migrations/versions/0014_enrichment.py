"""contacts: enrichment (issue 12). Placeholder revision reserved for the enrichment area: it creates nothing yet.

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
