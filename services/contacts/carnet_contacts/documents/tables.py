"""Tables of documents (C-21), on the contacts schema's ``MetaData`` (``models.metadata``); migration 0012 builds
them. ``models.py`` imports this module so that its metadata holds them.

- ``document_folders``: the organization's file manager, a tree (``parent_id``); a name is unique among its
  siblings, case-insensitively (``document_folders_name``, an expression index the migration declares).
- ``documents``: one stored file's metadata; the bytes are under ``storage_key`` (carnet_common.storage). A document
  is in at most one folder (none: the root) and keeps its uploader, whose quota it counts against (DOC-2).
- ``document_attachments``: a document attached to contacts and accounts (C-21), several of each.
- ``document_usage``: bytes stored per uploading user (DOC-2), the row locked by each upload's quota check.
"""
import sqlalchemy as sa

from carnet_contacts.models import metadata

document_folders = sa.Table(
    "document_folders", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("parent_id", sa.Text, sa.ForeignKey("contacts.document_folders.id", ondelete="RESTRICT")),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("document_folders_org_parent", "org_id", "parent_id"),
)

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("folder_id", sa.Text, sa.ForeignKey("contacts.document_folders.id", ondelete="RESTRICT")),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("content_type", sa.Text, nullable=False),
    sa.Column("storage_key", sa.Text, nullable=False, unique=True),
    sa.Column("uploaded_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("documents_org_folder", "org_id", "folder_id"),
)

document_attachments = sa.Table(
    "document_attachments", metadata,
    sa.Column("document_id", sa.Text, sa.ForeignKey("contacts.documents.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("record_type", sa.Text, primary_key=True),
    sa.Column("record_id", sa.Text, primary_key=True),
    sa.Column("org_id", sa.Text, nullable=False),
    sa.Column("attached_by", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.CheckConstraint("record_type IN ('contact', 'account')", name="document_attachments_record_type"),
    sa.Index("document_attachments_record", "record_type", "record_id"),
)

document_usage = sa.Table(
    "document_usage", metadata,
    sa.Column("org_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, primary_key=True),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.CheckConstraint("bytes >= 0", name="document_usage_bytes"),
)
