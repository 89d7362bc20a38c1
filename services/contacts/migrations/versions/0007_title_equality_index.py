"""contacts: a B-tree on the folded title for equality criteria (C-12)

``title eq "Président"`` is the commonest exact criterion of a contacts filter. Served by the trigram GIN
index alone, the planner under-costed it and re-ran the GIN lookup (57,000 entries, 22 ms) once per matching
account: 14 s for a three-clause filter at 1M contacts. The B-tree answers the equality in 2 ms and ANDs
with the other criteria's bitmaps (bench/results/contacts-2026-11-25-quiet.md).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_index("contacts_title_eq", "contacts", ["org_id", "title_norm"], schema=S)


def downgrade():
    op.drop_index("contacts_title_eq", table_name="contacts", schema=S)
