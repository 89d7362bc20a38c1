"""campaigns: templates (E-2, E-8)

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    # The organization's own templates (E-2); the built-in ones are in code. ``html`` is stored sanitised (E-8);
    # ``source_campaign_id``: the sent e-mail it was made from, if any.
    op.create_table(
        "templates",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False, server_default=""),
        sa.Column("html", sa.Text, nullable=False, server_default=""),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("source_campaign_id", sa.Text),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        schema=SCHEMA,
    )
    op.create_index("templates_org", "templates", ["org_id", "name"], schema=SCHEMA)


def downgrade():
    op.drop_table("templates", schema=SCHEMA)
