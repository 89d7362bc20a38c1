"""RPC entrypoints of documents (C-21): parse (contracts) → use case → result. The gateway holds the bytes
(carnet_common.storage) and sends, with every call, ``readable``: the record types (contact, account) the caller's
role reads (S-3), which decide what attachments they see (documents/usecases.py has the rules)."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of, path_id
from carnet_contacts.documents import usecases
from carnet_contracts import documents as contracts

RECORD_TYPES = ("contact", "account")


def _readable(values):
    return [v for v in values if v in RECORD_TYPES] if isinstance(values, (list, tuple)) else []


class DocumentsRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ...)."""


    @rpc_method
    def create_document(self, actor, data, readable=()):
        """Register a file the gateway stored (DOC-2 quota checked under a row lock: 413 past it)."""
        actor, data = actor_of(actor), load_or_raise(contracts.DocumentCreate(), data)
        with self.db.begin():
            return usecases.create_document(self.db, actor=actor, data=data, readable=_readable(readable))

    @rpc_method
    def get_document(self, actor, document_id, readable=()):
        with self.db.begin():
            return usecases.get_document(self.db, actor=actor_of(actor), document_id=path_id(document_id),
                                         readable=_readable(readable))

    @rpc_method
    def list_documents(self, actor, query=None, readable=()):
        actor, query = actor_of(actor), load_or_raise(contracts.DocumentQuery(), query or {})
        with self.db.begin():
            return usecases.list_documents(self.db, actor=actor, query=query, readable=_readable(readable))

    @rpc_method
    def update_document(self, actor, document_id, data, readable=()):
        actor, data = actor_of(actor), load_or_raise(contracts.DocumentUpdate(), data)
        with self.db.begin():
            return usecases.update_document(self.db, actor=actor, document_id=path_id(document_id), data=data,
                                            readable=_readable(readable))

    @rpc_method
    def delete_document(self, actor, document_id, readable=()):
        """``{storage_key, size}``: the gateway deletes the bytes once this committed."""
        with self.db.begin():
            return usecases.delete_document(self.db, actor=actor_of(actor), document_id=path_id(document_id),
                                            readable=_readable(readable))

    @rpc_method
    def attach_document(self, actor, document_id, data, readable=()):
        actor, data = actor_of(actor), load_or_raise(contracts.AttachmentCreate(), data)
        with self.db.begin():
            return usecases.attach(self.db, actor=actor, document_id=path_id(document_id), data=data,
                                   readable=_readable(readable))

    @rpc_method
    def detach_document(self, actor, document_id, record_type, record_id, readable=()):
        with self.db.begin():
            usecases.detach(self.db, actor=actor_of(actor), document_id=path_id(document_id),
                            record_type=record_type, record_id=path_id(record_id), readable=_readable(readable))

    @rpc_method
    def get_document_usage(self, actor, quota):
        with self.db.begin():
            return usecases.usage(self.db, actor=actor_of(actor), quota=int(quota))

    @rpc_method
    def list_document_folders(self, actor):
        with self.db.begin():
            return usecases.list_folders(self.db, actor=actor_of(actor))

    @rpc_method
    def create_document_folder(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.FolderCreate(), data)
        with self.db.begin():
            return usecases.create_folder(self.db, actor=actor, data=data)

    @rpc_method
    def update_document_folder(self, actor, folder_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.FolderUpdate(), data)
        with self.db.begin():
            return usecases.update_folder(self.db, actor=actor, folder_id=path_id(folder_id), data=data)

    @rpc_method
    def delete_document_folder(self, actor, folder_id):
        with self.db.begin():
            usecases.delete_folder(self.db, actor=actor_of(actor), folder_id=path_id(folder_id))
