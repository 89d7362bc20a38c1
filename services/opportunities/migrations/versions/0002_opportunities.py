"""opportunities: stages and sub-stages (O-3), opportunities (O-1, O-2, O-7), product lines (O-5)

Revision ID: 0002_opportunities
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002_opportunities"
down_revision = "0001"
branch_labels = None
depends_on = None
SCHEMA = "opportunities"


def upgrade():
    for table in ("account_refs", "contact_refs"):
        op.add_column(table, sa.Column("lifecycle_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.create_table(
        "stages",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("color", sa.Text, nullable=False),
        sa.Column("label_fr", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=False),
        sa.UniqueConstraint("org_id", "probability", name="stages_org_probability"),
        schema=SCHEMA,
    )
    op.create_table(
        "substages",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("stage_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.stages.id", ondelete="CASCADE"), nullable=False),
        sa.Column("label_fr", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text, nullable=False),
        sa.Column("locked", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=SCHEMA,
    )
    op.create_index("substages_stage", "substages", ["stage_id"], schema=SCHEMA)
    op.create_table(
        "opportunities",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("account_id", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text),
        sa.Column("stage_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.stages.id"), nullable=False),
        sa.Column("substage_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.substages.id", ondelete="SET NULL")),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("rep1_id", sa.Text),
        sa.Column("rep2_id", sa.Text),
        sa.Column("close_date", sa.Date),
        sa.Column("total", sa.Numeric(16, 2), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("external_ref", sa.Text),
        sa.Column("custom", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_by", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("deleted_at", sa.DateTime(timezone=True)),
        sa.Column("deleted_with", sa.Text),
        schema=SCHEMA,
    )
    op.create_index("opportunities_account", "opportunities", ["org_id", "account_id"], schema=SCHEMA)
    op.create_index("opportunities_contact", "opportunities", ["contact_id"], schema=SCHEMA)
    op.create_index("opportunities_stage", "opportunities", ["org_id", "stage_id"], schema=SCHEMA)
    op.create_table(
        "opportunity_lines",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("opportunity_id", sa.Text, sa.ForeignKey(f"{SCHEMA}.opportunities.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("product_group", sa.Text),
        sa.Column("product_code", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("quantity", sa.Numeric(16, 4), nullable=False),
        sa.Column("unit_price", sa.Numeric(16, 2), nullable=False),
        sa.Column("shipping", sa.Numeric(16, 2), nullable=False),
        sa.Column("discount", sa.Numeric(16, 2), nullable=False),
        sa.Column("total", sa.Numeric(16, 2), nullable=False),
        schema=SCHEMA,
    )
    op.create_index("opportunity_lines_opportunity", "opportunity_lines", ["opportunity_id", "position"],
                    schema=SCHEMA)


def downgrade():
    for name in ("opportunity_lines", "opportunities", "substages", "stages"):
        op.drop_table(name, schema=SCHEMA)
    for table in ("account_refs", "contact_refs"):
        op.drop_column(table, "lifecycle_at", schema=SCHEMA)
