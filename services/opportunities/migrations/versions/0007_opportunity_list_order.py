"""opportunities: indexes that walk the list in O-4 order (issue 5: 200,000 opportunities)

O-4 puts 1..99 % first, oldest close date first, then 0 % and 100 %, newest first; no close date last in both. As
two integer keys (``models.o4_group``, ``models.o4_day``: days from 2000-01-01, negated for 0 % and 100 %) the
order is ascending in every column, so an index serves it: ``opportunities_o4`` for the whole list,
``opportunities_o4_stage`` for a stage's. A page then reads 50 index entries instead of sorting every row, and
``account_id`` (INCLUDE) lets the count check visibility without reading the table.

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = "probability >= 1 AND probability <= 99"
GROUP = f"(CASE WHEN {OPEN} THEN 0 ELSE 1 END)"
DAY = f"(CASE WHEN {OPEN} THEN close_date - '2000-01-01'::date ELSE '2000-01-01'::date - close_date END)"


def upgrade():
    op.execute(f"CREATE INDEX opportunities_o4 ON opportunities.opportunities (org_id, {GROUP}, {DAY}, created_at, id) "
               "INCLUDE (account_id) WHERE deleted_at IS NULL")
    op.execute(f"CREATE INDEX opportunities_o4_stage ON opportunities.opportunities "
               f"(org_id, stage_id, {GROUP}, {DAY}, created_at, id) INCLUDE (account_id) WHERE deleted_at IS NULL")


def downgrade():
    op.execute("DROP INDEX opportunities.opportunities_o4_stage")
    op.execute("DROP INDEX opportunities.opportunities_o4")
