"""The ``merges`` table (migration 0011_merges), declared on the service's metadata: one row per merge, with the
snapshot its undo restores from (``usecases.py`` says what the snapshot holds)."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_contacts.models import metadata

merges = sa.Table(
    "merges", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("record_type", sa.Text, nullable=False),
    sa.Column("winner_id", sa.Text, nullable=False),
    sa.Column("loser_id", sa.Text, nullable=False),
    sa.Column("winner_name", sa.Text, nullable=False),
    sa.Column("loser_name", sa.Text, nullable=False),
    sa.Column("merged_by", sa.Text),
    sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("undo_until", sa.DateTime(timezone=True), nullable=False),
    sa.Column("undone_at", sa.DateTime(timezone=True)),
    sa.Column("undone_by", sa.Text),
    sa.Column("snapshot", JSONB, nullable=False),
    sa.CheckConstraint("record_type IN ('contact', 'account')", name="merges_record_type"),
    sa.CheckConstraint("winner_id <> loser_id", name="merges_two_records"),
    sa.Index("merges_org_recent", "org_id", "merged_at"),
    sa.Index("merges_loser", "loser_id"),
)
