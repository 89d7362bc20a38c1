"""contacts: a summary of each opportunity (C-12 action criteria), fed by the opportunities events

"Has an opportunity at stage …" and "has an opportunity with total > …" filter contacts and accounts without a
cross-schema join: the opportunities service publishes opportunity_created/updated/deleted, and contacts keeps
the few fields the criteria read (opportunities area of issue 5).

Revision ID: 0004_opportunity_summaries
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_opportunity_summaries"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "opportunity_summaries",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text),
        sa.Column("stage_id", sa.Text, nullable=False),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("total", sa.Numeric(16, 2), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        schema=S,
    )
    op.create_index("opportunity_summaries_account", "opportunity_summaries", ["account_id", "stage_id"], schema=S)
    op.create_index("opportunity_summaries_contact", "opportunity_summaries", ["contact_id", "stage_id"], schema=S)


def downgrade():
    op.drop_table("opportunity_summaries", schema=S)
