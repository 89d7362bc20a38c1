"""The tables of imports (migration 0009_imports), declared on the service's ``MetaData``."""
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_contacts.models import metadata

STATES = ("uploading", "ready", "importing", "imported", "reverting", "reverted")

imports = sa.Table(
    "imports", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("record_type", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("columns", JSONB, nullable=False),
    sa.Column("problems", JSONB, nullable=False),
    sa.Column("rows", sa.Integer),
    sa.Column("options", JSONB),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("record_type IN ('contact', 'account')", name="imports_record_type"),
    sa.CheckConstraint("state IN ('uploading', 'ready', 'importing', 'imported', 'reverting', 'reverted')",
                       name="imports_state"),
    sa.Index("imports_owner", "org_id", "user_id"),
)

import_chunks = sa.Table(
    "import_chunks", metadata,
    sa.Column("import_id", sa.Text, sa.ForeignKey(imports.c.id, ondelete="CASCADE"), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

import_runs = sa.Table(
    "import_runs", metadata,
    sa.Column("job_id", sa.Text, primary_key=True),
    sa.Column("import_id", sa.Text, sa.ForeignKey(imports.c.id, ondelete="CASCADE"), nullable=False),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("counts", JSONB, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("import_runs_import", "import_id"),
)

import_records = sa.Table(
    "import_records", metadata,
    sa.Column("import_id", sa.Text, sa.ForeignKey(imports.c.id, ondelete="CASCADE"), primary_key=True),
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Column("row_number", sa.Integer, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("before", JSONB),
    sa.Column("version_after", sa.Integer, nullable=False),
    sa.CheckConstraint("action IN ('created', 'updated')", name="import_records_action"),
)
