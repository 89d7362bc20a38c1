"""The tables of duplicates (C-20), on the schema's one ``MetaData`` (``carnet_contacts.models``); migration
0010_duplicates writes the same shape out and says what each column holds."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_contacts.models import metadata

duplicate_pairs = sa.Table(
    "duplicate_pairs", metadata,
    sa.Column("org_id", sa.Text, primary_key=True),
    sa.Column("record_type", sa.Text, primary_key=True),
    sa.Column("a_id", sa.Text, primary_key=True),
    sa.Column("b_id", sa.Text, primary_key=True),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("reasons", JSONB, nullable=False),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("scan_id", sa.Text),
    sa.Column("dismissed_by", sa.Text),
    sa.Column("dismissed_at", sa.DateTime(timezone=True)),
    sa.CheckConstraint("a_id < b_id", name="duplicate_pairs_ordered"),
    sa.CheckConstraint("status IN ('open', 'dismissed')", name="duplicate_pairs_status"),
    sa.CheckConstraint("record_type IN ('contact', 'account')", name="duplicate_pairs_record_type"),
    sa.Index("duplicate_pairs_queue", "org_id", "record_type", "status", "score"),
    sa.Index("duplicate_pairs_a", "a_id"),
    sa.Index("duplicate_pairs_b", "b_id"),
)

duplicate_scans = sa.Table(
    "duplicate_scans", metadata,
    sa.Column("org_id", sa.Text, primary_key=True),
    sa.Column("record_type", sa.Text, primary_key=True),
    sa.Column("requested_at", sa.DateTime(timezone=True)),
    sa.Column("requested_by", sa.Text),
    sa.Column("started_at", sa.DateTime(timezone=True)),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("scanned_until", sa.DateTime(timezone=True)),
    sa.Column("scanned_until_id", sa.Text),
    sa.Column("result", JSONB),
)
