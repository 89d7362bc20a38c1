"""RPC entrypoints of lists, grants and selections (L-1..L-3, S-6): parse (contracts) → use case → result."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import actor_of, path_id
from carnet_contacts.lists import contracts, usecases


class ListsRpc:
    """Mixed into ContactsService (which provides ``db`` and ``outbox``)."""

    @rpc_method(read_only=True)  # one statement
    def list_lists(self, actor):
        return usecases.list_lists(self.db, actor=actor_of(actor))

    @rpc_method
    def create_list(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ListCreate(), data)
        with self.db.begin():
            return usecases.create_list(self.db, outbox=self.outbox, actor=actor, data=data)

    @rpc_method
    def update_list(self, actor, list_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.ListUpdate(), data)
        with self.db.begin():
            return usecases.update_list(self.db, outbox=self.outbox, actor=actor, list_id=path_id(list_id),
                                        data=data)

    @rpc_method
    def delete_list(self, actor, list_id):
        with self.db.begin():
            usecases.delete_list(self.db, outbox=self.outbox, actor=actor_of(actor), list_id=path_id(list_id))

    @rpc_method
    def get_list_grants(self, actor, list_id):
        return usecases.get_grants(self.db, actor=actor_of(actor), list_id=path_id(list_id))

    @rpc_method
    def set_list_grants(self, actor, list_id, data):
        actor, data = actor_of(actor), load_or_raise(contracts.Grants(), data)
        with self.db.begin():
            return usecases.set_grants(self.db, outbox=self.outbox, actor=actor, list_id=path_id(list_id),
                                       data=data)

    @rpc_method(read_only=True)  # one statement
    def get_selected_lists(self, actor):
        return usecases.get_selected_lists(self.db, actor=actor_of(actor))

    @rpc_method
    def set_selected_lists(self, actor, data):
        actor, data = actor_of(actor), load_or_raise(contracts.SelectedLists(), data)
        with self.db.begin():
            return usecases.set_selected_lists(self.db, actor=actor, data=data)
