"""contacts: the contact each form submission became (F-3, issue 14)

One row per submission of the forms service applied (``forms.submission_accepted``): a redelivered or republished
event answers the same contact instead of making a second one (carnet_contacts/form_submissions/usecases.py).

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "form_submission_contacts",
        sa.Column("submission_id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("contact_id", sa.Text, nullable=False),
        sa.Column("created", sa.Boolean, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )


def downgrade():
    op.drop_table("form_submission_contacts", schema=S)
