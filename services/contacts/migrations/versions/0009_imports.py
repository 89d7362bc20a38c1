"""contacts: imports of .xlsx (C-19, issue 12)

``imports`` is one uploaded workbook (its owner, record type, header proposal, the choices of its last run);
``import_chunks`` holds the file in 1 MiB chunks (any replica reads it: no shared disk); ``import_runs`` the counts
of each dry run or import job (``GET /jobs/{id}``); ``import_records`` what an import did to each record (created,
or updated with the values it replaced and the version it left), so that a revert is exact.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None
S = "contacts"


def upgrade():
    op.create_table(
        "imports",
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
        schema=S,
    )
    op.create_index("imports_owner", "imports", ["org_id", "user_id"], schema=S)
    op.create_table(
        "import_chunks",
        sa.Column("import_id", sa.Text, sa.ForeignKey("contacts.imports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        schema=S,
    )
    op.create_table(
        "import_runs",
        sa.Column("job_id", sa.Text, primary_key=True),
        sa.Column("import_id", sa.Text, sa.ForeignKey("contacts.imports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("counts", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    op.create_index("import_runs_import", "import_runs", ["import_id"], schema=S)
    op.create_table(
        "import_records",
        sa.Column("import_id", sa.Text, sa.ForeignKey("contacts.imports.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("record_id", sa.Text, primary_key=True),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("before", JSONB),
        sa.Column("version_after", sa.Integer, nullable=False),
        sa.CheckConstraint("action IN ('created', 'updated')", name="import_records_action"),
        schema=S,
    )


def downgrade():
    op.drop_table("import_records", schema=S)
    op.drop_table("import_runs", schema=S)
    op.drop_table("import_chunks", schema=S)
    op.drop_table("imports", schema=S)
