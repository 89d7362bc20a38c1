"""Documents (C-21, DOC-1..DOC-5): the rules over the metadata; the bytes are the gateway's (it writes them with
carnet_common.storage before ``create_document`` and deletes them after ``delete_document``, or when this refuses).

- DOC-1: every read and write is scoped by the caller's organization; another's document, folder or record is 404.
- Visibility (S-3, issue 12): a document attached to records is seen only by who sees one of them and whose role
  reads that module (``repository.document_visible``); a record's list of documents needs the record visible (404
  otherwise), so it never names more than the record's own GET. The gateway passes ``readable`` (the record types
  the role reads) and checks the documents module's read/write/delete permissions.
- DOC-2: ``create_document`` counts the size against the uploader's usage under a row lock
  (``repository.lock_usage``); past ``quota`` (their plan's, S-7, sent by the gateway) it raises
  ``StorageQuotaExceeded`` (413) with quota and usage, and nothing is written. Deleting a document releases its
  size from its uploader's usage, whoever deletes it.
- DOC-4: a rename keeps to the accepted extensions (carnet_contracts.documents), the content was sniffed on upload.
- Folders: a tree per organization, names unique among siblings; a folder is deleted only when empty
  (``folder_not_empty``, 409: subfolders and documents must be moved or deleted first, including documents the
  caller cannot see, which are counted, never named); a move under itself is refused (``folder_cycle``).

``move_attachments`` / ``restore_attachments`` are the merges area's (C-20): a merged record's documents follow it,
and come back on undo.
"""
import uuid

from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_contacts.documents import repository
from carnet_contacts.lists.usecases import Scope
from carnet_contracts.documents import StorageQuotaExceeded, name_refusal


def _iso(value):
    return value.isoformat() if value is not None else None


def document_read(row, attachments):
    return {"id": row["id"], "name": row["name"], "size": row["size"], "content_type": row["content_type"],
            "folder_id": row["folder_id"], "uploaded_by": row["uploaded_by"], "attachments": attachments,
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


def folder_read(row):
    return {"id": row["id"], "name": row["name"], "parent_id": row["parent_id"], "created_by": row["created_by"],
            "created_at": _iso(row["created_at"]), "updated_at": _iso(row["updated_at"])}


class _Caller:
    """The caller's visibility inputs, read once per call."""

    def __init__(self, session, actor, readable):
        self.actor, self.readable = actor, frozenset(readable)
        self.list_ids = Scope(session, actor).selected

    @property
    def kwargs(self):
        return {"actor": self.actor, "list_ids": self.list_ids, "readable": self.readable}


def _reads(session, rows, caller):
    attachments = repository.attachments_of(session, [row["id"] for row in rows], **caller.kwargs)
    return [document_read(row, attachments[row["id"]]) for row in rows]


def _document(session, document_id, caller, *, for_update=False):
    row = repository.get_document(session, document_id, **caller.kwargs, for_update=for_update)
    if row is None:
        raise NotFound()
    return row


def _folder_of(session, org_id, folder_id, field="folder_id"):
    if folder_id is not None and repository.get_folder(session, org_id, folder_id) is None:
        raise InvalidInput(errors={field: ["unknown_folder"]})
    return folder_id


def _record(session, caller, record_type, record_id, field):
    """A record the caller sees and reads, else 422 on ``field`` (the same answer for another organization's)."""
    if record_type not in caller.readable or repository.record_visible(
            session, record_type, record_id, actor=caller.actor, list_ids=caller.list_ids) is None:
        raise InvalidInput(errors={field: ["unknown_record"]})


def create_document(session, *, actor, data, readable):
    """Register a stored file (its bytes already under ``storage_key``), in a folder and/or attached to a contact or
    an account, after the quota check (DOC-2). Raises before writing anything; the gateway then deletes the bytes."""
    caller = _Caller(session, actor, readable)
    org_id, user_id = actor["org_id"], actor["user_id"]
    refusal = name_refusal(data["name"])
    if refusal:
        raise InvalidInput(errors={"name": [refusal]})
    _folder_of(session, org_id, data["folder_id"])
    targets = [(kind, data[f"{kind}_id"]) for kind in ("contact", "account") if data.get(f"{kind}_id")]
    for kind, record_id in targets:
        _record(session, caller, kind, record_id, f"{kind}_id")
    used = repository.lock_usage(session, org_id, user_id)
    if used + data["size"] > data["quota"]:
        raise StorageQuotaExceeded(params={"quota": data["quota"], "usage": used, "size": data["size"]})
    repository.add_usage(session, org_id, user_id, data["size"])
    document_id = str(uuid.uuid4())
    repository.insert_document(session, {
        "id": document_id, "org_id": org_id, "folder_id": data["folder_id"], "name": data["name"],
        "size": data["size"], "content_type": data["content_type"], "storage_key": data["storage_key"],
        "uploaded_by": user_id})
    for kind, record_id in targets:
        repository.attach(session, org_id=org_id, document_id=document_id, record_type=kind, record_id=record_id,
                          user_id=user_id)
    return _reads(session, [_document(session, document_id, caller)], caller)[0]


def get_document(session, *, actor, document_id, readable):
    """The document with its ``storage_key`` (for the gateway's download), when the caller sees it."""
    caller = _Caller(session, actor, readable)
    row = _document(session, document_id, caller)
    return {**_reads(session, [row], caller)[0], "storage_key": row["storage_key"]}


def list_documents(session, *, actor, query, readable):
    """A folder's documents (no filter: the root's), or a record's (``contact_id``/``account_id``: 404 unless the
    caller sees that record and reads its module)."""
    caller = _Caller(session, actor, readable)
    record = next(((kind, query[f"{kind}_id"]) for kind in ("contact", "account") if query.get(f"{kind}_id")), None)
    if record is not None:
        if record[0] not in caller.readable or repository.record_visible(
                session, record[0], record[1], actor=actor, list_ids=caller.list_ids) is None:
            raise NotFound()
        rows = repository.list_documents(session, **caller.kwargs, record=record)
    else:
        folder_id = query.get("folder_id")
        if folder_id is not None and repository.get_folder(session, actor["org_id"], folder_id) is None:
            raise NotFound()
        rows = repository.list_documents(session, **caller.kwargs, folder_id=folder_id)
    return _reads(session, rows, caller)


def update_document(session, *, actor, document_id, data, readable):
    """Rename (DOC-4's extensions still hold) and/or move to a folder (``folder_id`` null: the root)."""
    caller = _Caller(session, actor, readable)
    _document(session, document_id, caller, for_update=True)
    values = {}
    if "name" in data:
        refusal = name_refusal(data["name"])
        if refusal:
            raise InvalidInput(errors={"name": [refusal]})
        values["name"] = data["name"]
    if "folder_id" in data:
        values["folder_id"] = _folder_of(session, actor["org_id"], data["folder_id"])
    if values:
        repository.update_document(session, document_id, values)
    return _reads(session, [_document(session, document_id, caller)], caller)[0]


def delete_document(session, *, actor, document_id, readable):
    """Delete the metadata and release the size from the uploader's usage; the ``storage_key`` whose bytes the
    gateway deletes next (a crash between the two leaves bytes no row names, never a row without bytes)."""
    caller = _Caller(session, actor, readable)
    row = _document(session, document_id, caller, for_update=True)
    repository.lock_usage(session, actor["org_id"], row["uploaded_by"])
    repository.add_usage(session, actor["org_id"], row["uploaded_by"], -row["size"])
    repository.delete_document(session, document_id)
    return {"storage_key": row["storage_key"], "size": row["size"]}


def attach(session, *, actor, document_id, data, readable):
    caller = _Caller(session, actor, readable)
    _document(session, document_id, caller, for_update=True)
    _record(session, caller, data["record_type"], data["record_id"], "record_id")
    repository.attach(session, org_id=actor["org_id"], document_id=document_id, record_type=data["record_type"],
                      record_id=data["record_id"], user_id=actor["user_id"])
    return _reads(session, [_document(session, document_id, caller)], caller)[0]


def detach(session, *, actor, document_id, record_type, record_id, readable):
    """404 unless the caller sees the document, the record, and the attachment between them."""
    caller = _Caller(session, actor, readable)
    _document(session, document_id, caller, for_update=True)
    if record_type not in ("contact", "account") or record_type not in caller.readable or \
            repository.record_visible(session, record_type, record_id, actor=actor, list_ids=caller.list_ids) is None:
        raise NotFound()
    if not repository.detach(session, document_id=document_id, record_type=record_type, record_id=record_id):
        raise NotFound()


def usage(session, *, actor, quota):
    return {"usage": repository.usage(session, actor["org_id"], actor["user_id"]), "quota": quota}


# Folders -----------------------------------------------------------------------------------------------------------

def list_folders(session, *, actor):
    return [folder_read(row) for row in repository.list_folders(session, actor["org_id"])]


def _free_name(session, org_id, parent_id, name, except_id=None):
    if repository.name_taken(session, org_id, parent_id, name, except_id=except_id):
        raise Conflict("folder_name_taken", errors={"name": ["folder_name_taken"]})


def create_folder(session, *, actor, data):
    org_id = actor["org_id"]
    parent_id = _folder_of(session, org_id, data["parent_id"], "parent_id")
    _free_name(session, org_id, parent_id, data["name"])
    folder_id = str(uuid.uuid4())
    repository.insert_folder(session, {"id": folder_id, "org_id": org_id, "parent_id": parent_id,
                                       "name": data["name"], "created_by": actor["user_id"]})
    return folder_read(repository.get_folder(session, org_id, folder_id))


def update_folder(session, *, actor, folder_id, data):
    org_id = actor["org_id"]
    folder = repository.get_folder(session, org_id, folder_id, for_update=True)
    if folder is None:
        raise NotFound()
    parent_id = data.get("parent_id", folder["parent_id"]) if "parent_id" in data else folder["parent_id"]
    if "parent_id" in data and parent_id is not None:
        _folder_of(session, org_id, parent_id, "parent_id")
        if folder_id in repository.ancestor_ids(session, org_id, parent_id):
            raise InvalidInput(errors={"parent_id": ["folder_cycle"]})
    name = data.get("name", folder["name"])
    _free_name(session, org_id, parent_id, name, except_id=folder_id)
    repository.update_folder(session, folder_id, {"name": name, "parent_id": parent_id})
    return folder_read(repository.get_folder(session, org_id, folder_id))


def delete_folder(session, *, actor, folder_id):
    org_id = actor["org_id"]
    if repository.get_folder(session, org_id, folder_id, for_update=True) is None:
        raise NotFound()
    subfolders, documents = repository.folder_contents(session, org_id, folder_id)
    if subfolders or documents:
        raise Conflict("folder_not_empty", params={"folders": subfolders, "documents": documents})
    repository.delete_folder(session, folder_id)


# For the merges area (C-20) ----------------------------------------------------------------------------------------

def move_attachments(session, *, org_id, record_type, from_id, to_id):
    """Move every document attachment of record ``from_id`` to ``to_id`` (both ``record_type``: "contact" or
    "account", both of ``org_id``; the caller checked they may merge them), in the caller's transaction.

    Returns ``{"moved": [document_id, …], "dropped": [document_id, …]}``: ``moved`` were re-pointed to ``to_id``;
    ``dropped`` were attached to both records, so ``from_id``'s attachment was removed (``to_id`` keeps its own).
    Keep that dict (JSON-able) to undo with ``restore_attachments``. Every attachment counts, whoever sees the
    documents: a merge keeps every document (issue 12)."""
    rows = repository.record_attachments(session, org_id=org_id, record_type=record_type, record_id=from_id)
    already = {row["document_id"] for row in repository.record_attachments(
        session, org_id=org_id, record_type=record_type, record_id=to_id)}
    moved = [row["document_id"] for row in rows if row["document_id"] not in already]
    dropped = [row["document_id"] for row in rows if row["document_id"] in already]
    repository.repoint_attachments(session, org_id=org_id, record_type=record_type, from_id=from_id, to_id=to_id,
                                   document_ids=moved)
    repository.delete_attachments(session, org_id=org_id, record_type=record_type, record_id=from_id,
                                  document_ids=dropped)
    return {"moved": moved, "dropped": dropped}


def restore_attachments(session, *, org_id, record_type, from_id, to_id, moved, user_id):
    """Undo ``move_attachments(from_id=from_id, to_id=to_id)`` given its result ``moved``: the ``moved`` documents
    go back to ``from_id`` (those deleted since are skipped), the ``dropped`` ones are attached to ``from_id`` again
    (``user_id`` recorded as who attached them); ``to_id`` keeps its own. Returns what came back, in the same
    shape."""
    back = [row["document_id"] for row in repository.record_attachments(
        session, org_id=org_id, record_type=record_type, record_id=to_id) if row["document_id"] in set(moved["moved"])]
    repository.repoint_attachments(session, org_id=org_id, record_type=record_type, from_id=to_id, to_id=from_id,
                                   document_ids=back)
    existing = repository.existing_documents(session, org_id, moved["dropped"])
    repository.insert_attachments(session, [
        {"document_id": document_id, "record_type": record_type, "record_id": from_id, "org_id": org_id,
         "attached_by": user_id} for document_id in moved["dropped"] if document_id in existing])
    return {"moved": back, "dropped": [d for d in moved["dropped"] if d in existing]}
