"""HTTP shapes of documents (C-21). The bodies routes load and forward are ``carnet_contracts.documents``' (one
contract on both sides); the upload is ``multipart/form-data`` (``UploadForm``, documented by hand in
routes/documents.py since its body is not JSON)."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts.documents import AttachmentCreate as AttachmentCreate
from carnet_contracts.documents import DocumentQuery as DocumentQuery
from carnet_contracts.documents import DocumentUpdate as DocumentUpdate
from carnet_contracts.documents import FolderCreate as FolderCreate
from carnet_contracts.documents import FolderUpdate as FolderUpdate

ID = {"validate": validate.Length(max=64), "allow_none": True, "load_default": None}


class UploadForm(Contract):
    """The form fields beside the file part ``file`` (an empty field counts as absent)."""
    name = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "The document's name (default: the file part's filename)."})
    folder_id = fields.String(**ID)
    contact_id = fields.String(**ID, metadata={"description": "Attach to this contact (needs contacts.write)."})
    account_id = fields.String(**ID, metadata={"description": "Attach to this account (needs accounts.write)."})


class Attachment(Contract):
    record_type = fields.String(metadata={"description": "contact or account"})
    record_id = fields.String()


class DocumentRead(Contract):
    id = fields.String()
    name = fields.String()
    size = fields.Integer(metadata={"description": "Bytes"})
    content_type = fields.String()
    folder_id = fields.String(allow_none=True)
    uploaded_by = fields.String()
    attachments = fields.List(fields.Nested(Attachment), metadata={
        "description": "The records it is attached to that the caller sees."})
    download_url = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


class FolderRead(Contract):
    id = fields.String()
    name = fields.String()
    parent_id = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


class UsageRead(Contract):
    usage = fields.Integer(metadata={"description": "Bytes the caller's uploads take (DOC-2)"})
    quota = fields.Integer(metadata={"description": "Bytes their plan allows per user (S-7)"})
