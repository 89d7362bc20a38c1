"""contacts: documents (C-21, DOC-1..DOC-5): folders, documents' metadata, attachments to contacts and accounts,
storage used per uploading user (DOC-2). The bytes are not in the database (carnet_common.storage).

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None
S = "contacts"


def _times():
    return (sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()))


def upgrade():
    op.create_table(
        "document_folders",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("parent_id", sa.Text, sa.ForeignKey(f"{S}.document_folders.id", ondelete="RESTRICT")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        *_times(),
        schema=S,
    )
    op.create_index("document_folders_org_parent", "document_folders", ["org_id", "parent_id"], schema=S)
    # A name is unique among its siblings, whatever its case (the root's children: parent_id null).
    op.execute(f"CREATE UNIQUE INDEX document_folders_name ON {S}.document_folders "
               "(org_id, coalesce(parent_id, ''), lower(name))")
    op.create_table(
        "documents",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("folder_id", sa.Text, sa.ForeignKey(f"{S}.document_folders.id", ondelete="RESTRICT")),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("storage_key", sa.Text, nullable=False, unique=True),
        sa.Column("uploaded_by", sa.Text, nullable=False),
        *_times(),
        schema=S,
    )
    op.create_index("documents_org_folder", "documents", ["org_id", "folder_id"], schema=S)
    op.create_table(
        "document_attachments",
        sa.Column("document_id", sa.Text, sa.ForeignKey(f"{S}.documents.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("record_type", sa.Text, primary_key=True),
        sa.Column("record_id", sa.Text, primary_key=True),
        sa.Column("org_id", sa.Text, nullable=False),
        sa.Column("attached_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("record_type IN ('contact', 'account')", name="document_attachments_record_type"),
        schema=S,
    )
    op.create_index("document_attachments_record", "document_attachments", ["record_type", "record_id"], schema=S)
    op.create_table(
        "document_usage",
        sa.Column("org_id", sa.Text, primary_key=True),
        sa.Column("user_id", sa.Text, primary_key=True),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.CheckConstraint("bytes >= 0", name="document_usage_bytes"),
        schema=S,
    )


def downgrade():
    op.drop_table("document_usage", schema=S)
    op.drop_table("document_attachments", schema=S)
    op.drop_table("documents", schema=S)
    op.drop_table("document_folders", schema=S)
