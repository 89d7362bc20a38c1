"""contacts: automations (AU-1, issue 12)

One row per automation: its creator's, copying the contacts of ``source_list_id`` that match ``criteria`` (C-12
JSON) into ``target_list_id``, on demand (a job, N-4) and, when ``on_change``, on every change of a contact
(carnet_contacts/automations/usecases.py has the design). ``authority`` is what the gateway verified of its creator
when it was last saved (the actor and the permission keys they could not read), checked again against their
principal of now before every run; ``last_run`` the outcome of the latest run; ``changes_handled`` counts the
contact changes it was asked about. Deleting either list deletes the automation (it could never run again).
``automations_on_change`` finds the automations a contact change concerns.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "automations",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source_list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("target_list_id", sa.Text, sa.ForeignKey("contacts.lists.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("criteria", JSONB, nullable=False),
        sa.Column("on_change", sa.Boolean, nullable=False),
        sa.Column("authority", JSONB, nullable=False),
        sa.Column("last_run", JSONB),
        sa.Column("changes_handled", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("source_list_id <> target_list_id", name="automations_two_lists"),
        schema=S,
    )
    op.create_index("automations_owner", "automations", ["org_id", "created_by"], schema=S)
    op.create_index("automations_on_change", "automations", ["org_id", "source_list_id"], schema=S,
                    postgresql_where=sa.text("on_change"))


def downgrade():
    op.drop_table("automations", schema=S)
