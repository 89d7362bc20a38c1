"""Documents (C-21, DOC-1..DOC-5): upload, download, the organization's folders, attachments to contacts and accounts.

The gateway holds the bytes (``carnet_common.storage``: local disk by default, S3-compatible with
``DOCUMENTS_STORAGE=s3``, DOC-5); the contacts service holds the metadata, the quota counters and the visibility rules
(carnet_contacts/documents/usecases.py). Each call sends the service ``readable``: the record types the caller's role
reads (S-3), since a document attached to records is seen only with one of them.

Upload (``POST /documents``, multipart/form-data, part ``file``): declared as the route's ``Upload`` (``UPLOAD``,
api.py), so the request is streamed by werkzeug's form parser to a temporary file (never the whole file in memory),
its limit raised from the app's ``MAX_BODY_BYTES`` to 100 MB (DOC-3) and a form's margin, for this route only and
only once the caller is authenticated and holds ``documents.write`` (``api.prepare``); the text parts are
``UploadForm``'s, and ``contacts.write``/``accounts.write`` are checked once they are read. Then, in order: the
name's extensions and the content's first bytes (DOC-4: 415 ``executable_extension`` / ``unsupported_extension`` /
``executable_content``), the size (413
``document_too_large``), the bytes written to storage under a fresh key, and ``create_document``, which checks
folder, records and the uploader's quota under a row lock (DOC-2, S-7: the plan's ``storage_gb_per_user`` ×
``DOCUMENTS_BYTES_PER_GB``; 413 ``storage_quota_exceeded`` with ``quota``, ``usage`` and ``size`` as members of the
problem). Any refusal after the write deletes the bytes: nothing half-written stays.

Download (``GET /documents/{id}/content``): streamed from storage, ``Content-Disposition: attachment`` with an ASCII
``filename`` and the exact ``filename*`` (RFC 6266/8187), ``X-Content-Type-Options: nosniff``, ``Cache-Control:
private, no-store`` and a sandboxing CSP, so no file ever renders as a page of ours. Another organization's document,
or one attached only to records hidden from the caller, is 404 (DOC-1).

The web client's pages use these operations through ``web/calls.py`` (views/documents_pages.py).
"""
import logging
import unicodedata
from urllib.parse import quote

from flask import Response, current_app, json, stream_with_context

from carnet_common import storage
from carnet_common.errors import CarnetError, NotFound, ServiceUnavailable
from carnet_contracts import documents as rules
from carnet_contracts.permissions import may
from carnet_gateway import actors, problems, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, Need, Upload, When, api
from carnet_gateway.schemas import documents as s

log = logging.getLogger(__name__)
DOCS, FOLDERS = ("documents",), ("document folders",)
RECORD_MODULES = {"contact": "contacts", "account": "accounts"}
FORM_MARGIN = 1024 * 1024         # the multipart envelope and form fields beside a 100 MB file
FORM_FIELDS_MEMORY = 64 * 1024    # the form's text fields, in memory
PAGE_FIELDS = ("csrf_token", "next")  # the web client's own parts (views/documents_pages.py), not the API's


class PayloadTooLarge(CarnetError):
    status = 413
    slug = "payload-too-large"
    default_code = "document_too_large"


class UnsupportedMediaType(CarnetError):
    status = 415
    slug = "unsupported-media-type"
    default_code = "unsupported_media_type"


def document_storage():
    """The process's storage (``storage.from_env``), built at its first use."""
    found = current_app.extensions.get("carnet.documents")
    if found is None:
        found = current_app.extensions["carnet.documents"] = storage.from_env()
    return found


def readable(principal):
    """The record types whose module the caller's role reads (S-3): only their attachments count for them."""
    return [kind for kind, module in RECORD_MODULES.items() if may(principal, module, "read")]


def quota_bytes(principal):
    """The caller's storage quota in bytes (S-7, DOC-2): their organization's plan, as their principal has it."""
    limits = (principal.get("organization") or {}).get("limits") or {}
    gigabytes = limits.get("storage_gb_per_user") or 0
    return int(gigabytes * current_app.config["CARNET"].documents_bytes_per_gb)


def _actor(call):
    return call.actor(actors.CONTACTS)


def _read(document):
    return {**document, "download_url": f"/api/v1/documents/{document['id']}/content"}


# Upload ------------------------------------------------------------------------------------------------------------

UPLOAD = Upload(
    max_bytes=rules.MAX_BYTES, form=s.UploadForm, margin=FORM_MARGIN, max_parts=20, max_form_memory=FORM_FIELDS_MEMORY,
    description="The file (DOC-3, DOC-4: no executable or script, by extension or content: 415).",
    not_multipart="multipart_expected", too_large="document_too_large", file_missing="file_missing",
    page_fields=PAGE_FIELDS)


def _forget(store, key):
    try:
        store.delete(key)
    except Exception:  # noqa: BLE001 - bytes no row names: logged, never shown
        log.exception("document bytes %s not deleted", key)


def _quota_problem(exc):
    response = problems.from_carnet_error(exc)
    body = json.loads(response.get_data())
    body.update({key: int(exc.params.get(key) or 0) for key in ("quota", "usage", "size")})
    response.set_data(json.dumps(body, ensure_ascii=False))
    return response


@api.route("/documents", "POST", response=s.DocumentRead, status=201, tags=DOCS,
           permission=[
               ("documents", "write"),
               Need("contacts", "write", When("a `contact_id` is given (checked once the form is read)",
                                              lambda call: bool(call.body.get("contact_id")))),
               Need("accounts", "write", When("an `account_id` is given (checked once the form is read)",
                                              lambda call: bool(call.body.get("account_id"))))],
           upload=UPLOAD, errors=(401, 403, 413, 415, 422),
           summary="Upload a file (multipart/form-data, part `file`, at most 100 MB: 413) into a folder and/or "
                   "attached to a contact or account; executables and scripts refused by extension and by content "
                   "(415); past the uploader's plan storage, 413 `storage_quota_exceeded` with `quota`, `usage` and "
                   "`size` (bytes) in the problem")
def upload_document(call):
    upload, form = call.body["file"], call.body  # read and checked by ``api.prepare`` (``UPLOAD``)
    name = unicodedata.normalize("NFC", (form.get("name") or upload.filename).strip())[:200]
    refusal = rules.refused_extension(name) or rules.refused_extension(upload.filename)
    stream = upload.stream
    head = stream.read(rules.SNIFF_BYTES)
    if refusal is None:
        refusal = rules.refusal(name, head)
    if refusal:
        raise UnsupportedMediaType(refusal, errors={"file": [refusal]})
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > rules.MAX_BYTES:
        raise PayloadTooLarge(params={"limit": rules.MAX_BYTES}, errors={"file": ["document_too_large"]})
    store, key = document_storage(), storage.new_key(call.principal["organization"]["id"])
    try:
        written = store.put(key, stream, limit=rules.MAX_BYTES)
    except storage.TooLarge:
        raise PayloadTooLarge(params={"limit": rules.MAX_BYTES}, errors={"file": ["document_too_large"]}) from None
    except Exception:  # noqa: BLE001 - the disk or the object store failed: a 503 worth a retry, nothing kept
        log.exception("document upload: the storage refused %s", key)
        _forget(store, key)
        raise ServiceUnavailable(params={"service": "documents storage"}) from None
    try:
        document = services.contacts.call("create_document", _actor(call), {
            "name": name, "size": written, "content_type": rules.content_type(name), "storage_key": key,
            "quota": quota_bytes(call.principal), **{k: form.get(k) for k in ("folder_id", "contact_id",
                                                                               "account_id")}},
            readable(call.principal))
    except BaseException as exc:
        _forget(store, key)  # refused (or unknown outcome): the bytes go; nothing half-written stays
        if isinstance(exc, rules.StorageQuotaExceeded):
            return _quota_problem(exc)
        raise
    return Response(json.dumps(s.DocumentRead().dump(_read(document)), ensure_ascii=False), status=201,
                    mimetype="application/json", headers={"Location": f"/api/v1/documents/{document['id']}"})


# Documents ---------------------------------------------------------------------------------------------------------

@api.route("/documents", "GET", query=s.DocumentQuery, response=s.DocumentRead, many=True, tags=DOCS,
           permission=("documents", "read"), errors=READ_ERRORS + (422,),
           summary="Documents of a folder (`folder_id`; none: the root), or attached to a contact (`contact_id`) or "
                   "an account (`account_id`): 404 unless the caller sees that record (at most 1,000, by name)")
def list_documents(call):
    return [_read(d) for d in services.contacts.call("list_documents", _actor(call), call.query,
                                                      readable(call.principal))]


@api.route("/documents/usage", "GET", response=s.UsageRead, tags=DOCS, permission=("documents", "read"),
           errors=(401, 403), summary="The caller's storage used and their plan's quota, in bytes (DOC-2)")
def document_usage(call):
    return services.contacts.call("get_document_usage", _actor(call), quota_bytes(call.principal))


@api.route("/documents/{document_id}", "GET", response=s.DocumentRead, tags=DOCS, permission=("documents", "read"),
           errors=READ_ERRORS, summary="A document's metadata (404: another organization's, or attached only to "
                                       "records the caller does not see)")
def get_document(call):
    document = services.contacts.call("get_document", _actor(call), call.path["document_id"],
                                      readable(call.principal))
    document.pop("storage_key", None)
    return _read(document)


def content_disposition(name):
    """``attachment`` with an ASCII fallback and the exact UTF-8 name (RFC 6266, RFC 8187)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = "".join(c if c.isprintable() and c not in '"\\/;' else "_" for c in ascii_name).strip() or "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


# The download answers the type its name's extension gave it on upload (``rules.content_type``: only accepted
# extensions are stored, DOC-4), as is, without a charset (the bytes are the uploader's, in no known encoding).
CONTENT_TYPES = sorted(set(rules.ACCEPTED.values()))
BINARY = {200: {"description": "The file's bytes, as the type of its extension", "content": {
    content_type: {"schema": {"type": "string", "format": "binary"}} for content_type in CONTENT_TYPES}}}


@api.route("/documents/{document_id}/content", "GET", tags=DOCS, permission=("documents", "read"),
           errors=READ_ERRORS, extra_responses=BINARY,
           summary="Download the file (streamed, as an attachment, never sniffed or cached)")
def download_document(call):
    document = services.contacts.call("get_document", _actor(call), call.path["document_id"],
                                      readable(call.principal))
    try:
        chunks = document_storage().open(document["storage_key"])
    except storage.Missing:
        log.error("document %s: no bytes under %s", document["id"], document["storage_key"])
        raise NotFound("document_content_missing") from None
    except Exception:  # noqa: BLE001 - the disk or the object store failed
        log.exception("document %s: the storage did not answer", document["id"])
        raise ServiceUnavailable(params={"service": "documents storage"}) from None
    return Response(stream_with_context(chunks), content_type=document["content_type"], headers={
        "Content-Disposition": content_disposition(document["name"]), "Content-Length": str(document["size"]),
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@api.route("/documents/{document_id}", "PATCH", body=s.DocumentUpdate, response=s.DocumentRead, tags=DOCS,
           permission=("documents", "write"), errors=WRITE_ERRORS,
           summary="Rename a document (DOC-4's extensions hold: 422) and/or move it to a folder (`folder_id` null: "
                   "the root)")
def update_document(call):
    return _read(services.contacts.call("update_document", _actor(call), call.path["document_id"], call.body,
                                        readable(call.principal)))


@api.route("/documents/{document_id}", "DELETE", status=204, tags=DOCS, permission=("documents", "delete"),
           errors=READ_ERRORS, summary="Delete a document and its file; its size is released from its uploader's "
                                       "usage")
def delete_document(call):
    deleted = services.contacts.call("delete_document", _actor(call), call.path["document_id"],
                                     readable(call.principal))
    _forget(document_storage(), deleted["storage_key"])  # the row is gone; orphan bytes are logged, never shown


@api.route("/documents/{document_id}/attachments", "POST", body=s.AttachmentCreate, response=s.DocumentRead,
           status=201, tags=DOCS, errors=WRITE_ERRORS, permission=[
               ("documents", "write"),
               Need("contacts", "write", When("`record_type` is contact",
                                              lambda call: call.body["record_type"] == "contact")),
               Need("accounts", "write", When("`record_type` is account",
                                              lambda call: call.body["record_type"] == "account"))],
           summary="Attach a document to a contact or an account the caller sees (422 `unknown_record` otherwise); "
                   "attaching twice changes nothing")
def attach_document(call):
    return _read(services.contacts.call("attach_document", _actor(call), call.path["document_id"], call.body,
                                        readable(call.principal)))


@api.route("/documents/{document_id}/attachments/{record_type}/{record_id}", "DELETE", status=204, tags=DOCS,
           path_params={"record_type": {"type": "string", "enum": ["contact", "account"]}},
           permission=[("documents", "write"),
                       Need("contacts", "write", When("`record_type` is contact",
                                                      lambda call: call.path["record_type"] == "contact")),
                       Need("accounts", "write", When("`record_type` is account",
                                                      lambda call: call.path["record_type"] == "account"))],
           errors=READ_ERRORS, summary="Detach a document from a contact or an account (the document stays)")
def detach_document(call):
    services.contacts.call("detach_document", _actor(call), call.path["document_id"], call.path["record_type"],
                           call.path["record_id"], readable(call.principal))


# Folders -----------------------------------------------------------------------------------------------------------

@api.route("/document-folders", "GET", response=s.FolderRead, many=True, tags=FOLDERS,
           permission=("documents", "read"), errors=(401, 403),
           summary="The organization's folders (a tree: `parent_id`), by name")
def list_folders(call):
    return services.contacts.call("list_document_folders", _actor(call))


@api.route("/document-folders", "POST", body=s.FolderCreate, response=s.FolderRead, status=201, tags=FOLDERS,
           permission=("documents", "write"), errors=WRITE_ERRORS,
           summary="Create a folder (409 when its parent already has one of that name, whatever the case)")
def create_folder(call):
    return services.contacts.call("create_document_folder", _actor(call), call.body)


@api.route("/document-folders/{folder_id}", "PATCH", body=s.FolderUpdate, response=s.FolderRead, tags=FOLDERS,
           permission=("documents", "write"), errors=WRITE_ERRORS,
           summary="Rename a folder and/or move it under another (`parent_id` null: the root; 422 `folder_cycle` "
                   "under itself)")
def update_folder(call):
    return services.contacts.call("update_document_folder", _actor(call), call.path["folder_id"], call.body)


@api.route("/document-folders/{folder_id}", "DELETE", status=204, tags=FOLDERS, permission=("documents", "delete"),
           errors=READ_ERRORS + (409,),
           summary="Delete an empty folder (409 `folder_not_empty` while it holds folders or documents)")
def delete_folder(call):
    services.contacts.call("delete_document_folder", _actor(call), call.path["folder_id"])
