"""campaigns: what the sender adds to recipients (E-10)

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
SCHEMA = "campaigns"


def upgrade():
    op.add_column("recipients", sa.Column("in_flight_at", sa.DateTime(timezone=True)), schema=SCHEMA)
    op.add_column("recipients", sa.Column("in_doubt", sa.Boolean, nullable=False, server_default=sa.false()),
                  schema=SCHEMA)
    op.add_column("recipients", sa.Column("smtp_answer", sa.Text), schema=SCHEMA)
    op.create_index("recipients_leases", "recipients", ["claimed_until"], schema=SCHEMA,
                    postgresql_where=sa.text("state = 'sending'"))


def downgrade():
    op.drop_index("recipients_leases", table_name="recipients", schema=SCHEMA)
    op.drop_column("recipients", "smtp_answer", schema=SCHEMA)
    op.drop_column("recipients", "in_doubt", schema=SCHEMA)
    op.drop_column("recipients", "in_flight_at", schema=SCHEMA)
