"""RPC entrypoints of merges (C-20): parse (contracts) → use case → result. ``locked``: the permission keys of the
fields the caller may not read or write (S-3), which a merge keeps as the winner's (``merges/fields.py``)."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of, names, path_id
from carnet_contacts.merges import contracts, usecases


class MergesRpc:
    """Mixed into ContactsService (which provides ``db`` and ``outbox``)."""


    @rpc_method
    def preview_merge(self, actor, query, locked=()):
        """The dry run: per field both values and the proposed one; what would move, as the caller sees it."""
        actor, query = actor_of(actor), load_or_raise(contracts.MergePreviewQuery(), query)
        return usecases.preview(self.db, actor=actor, locked=names(locked), **query)

    @rpc_method
    def merge_records(self, actor, data, locked=()):
        actor, data = actor_of(actor), load_or_raise(contracts.MergeCreate(), data)
        with self.db.begin():
            return usecases.merge(self.db, outbox=self.outbox, actor=actor, data=data, locked=names(locked))

    @rpc_method
    def undo_merge(self, actor, merge_id, record_types):
        """``record_types``: the kinds whose module the caller may write and delete."""
        actor = actor_of(actor)
        with self.db.begin():
            return usecases.undo(self.db, outbox=self.outbox, actor=actor, merge_id=path_id(merge_id),
                                 record_types=contracts.record_types(record_types))

    @rpc_method
    def get_merge(self, actor, merge_id):
        return usecases.get_merge(self.db, actor=actor_of(actor), merge_id=path_id(merge_id))

    @rpc_method
    def list_merges(self, actor, record_types, query=None):
        actor, query = actor_of(actor), load_or_raise(contracts.MergeQuery(), query or {})
        kinds = contracts.record_types(record_types)
        if query.get("record_type"):
            kinds = [kind for kind in kinds if kind == query["record_type"]]
        return usecases.list_merges(self.db, actor=actor, record_types=kinds, page=query["page"],
                                    per_page=query["per_page"])
