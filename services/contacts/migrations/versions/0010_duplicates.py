"""contacts: duplicates (C-20): the review queue of probable duplicate pairs, each organization's scan state, and
the indexes the checks and the incremental scan read.

``duplicate_pairs``: one row per pair of records of one type (``a_id < b_id``), with its score (0..100), the
reasons (codes, ``duplicates/matching.py``), ``open`` or ``dismissed`` (a dismissed pair stays dismissed when a
later scan finds it again), when it was found and by which scan. ``duplicate_scans``: per organization and record
type, a full scan asked (``requested_at``), the last full scan's times and counts, and ``scanned_until`` /
``scanned_until_id``, the ``(updated_at, id)`` up to which changed records were checked (the incremental scan starts
after it: a whole import written in one transaction shares one ``updated_at``).
Indexes: ``(org_id, updated_at)`` on contacts and accounts (records changed since the last scan, without reading
1M rows), ``(org_id, email_norm)`` on contacts (the same address, an equality the trigram index serves badly), and a
GIN index of ``phone_keys(phone_digits)`` on both: the last 10 digits of each number a record holds, the phone
blocking key of ``duplicates/matching.py``, found by array containment in well under a millisecond where a trigram
``LIKE '%5142223333%'`` took 12-35 ms at 1M contacts.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "duplicate_pairs",
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
        schema=S,
    )
    op.create_index("duplicate_pairs_queue", "duplicate_pairs", ["org_id", "record_type", "status", "score"],
                    schema=S)
    op.create_index("duplicate_pairs_a", "duplicate_pairs", ["a_id"], schema=S)
    op.create_index("duplicate_pairs_b", "duplicate_pairs", ["b_id"], schema=S)
    op.create_table(
        "duplicate_scans",
        sa.Column("org_id", sa.Text, primary_key=True),
        sa.Column("record_type", sa.Text, primary_key=True),
        sa.Column("requested_at", sa.DateTime(timezone=True)),
        sa.Column("requested_by", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("scanned_until", sa.DateTime(timezone=True)),
        sa.Column("scanned_until_id", sa.Text),
        sa.Column("result", JSONB),
        schema=S,
    )
    op.create_index("contacts_org_updated", "contacts", ["org_id", "updated_at"], schema=S)
    op.create_index("accounts_org_updated", "accounts", ["org_id", "updated_at"], schema=S)
    op.execute(f"CREATE INDEX contacts_org_email ON {S}.contacts (org_id, email_norm) WHERE email_norm <> ''")
    op.execute(f"""
        CREATE FUNCTION {S}.phone_keys(text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
            SELECT coalesce(array_agg(right(x, 10)), '{{}}') FROM unnest(string_to_array($1, ' ')) AS x
            WHERE length(x) >= 7 $$""")
    # fastupdate off: an import inserts thousands of numbers while it looks each up; a pending list would make every
    # lookup read it whole (0.83 ms instead of 0.008 ms per key at 6,000 contacts: bench/results/imports-2026-12-06.md)
    for table in ("contacts", "accounts"):
        op.execute(f"CREATE INDEX {table}_phone_keys ON {S}.{table} USING gin ({S}.phone_keys(phone_digits)) "
                   "WITH (fastupdate = off)")


def downgrade():
    op.drop_index("accounts_phone_keys", table_name="accounts", schema=S)
    op.drop_index("contacts_phone_keys", table_name="contacts", schema=S)
    op.execute(f"DROP FUNCTION {S}.phone_keys(text)")
    op.drop_index("contacts_org_email", table_name="contacts", schema=S)
    op.drop_index("accounts_org_updated", table_name="accounts", schema=S)
    op.drop_index("contacts_org_updated", table_name="contacts", schema=S)
    op.drop_table("duplicate_scans", schema=S)
    op.drop_table("duplicate_pairs", schema=S)
