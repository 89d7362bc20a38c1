"""RPC entrypoints of customization: custom fields (C-14; the methods shared with opportunities, over this
service's definitions of contacts and accounts), saved filters (C-12), list layouts and per-user sort (C-15).
Parse (contracts) → use case → result; criteria themselves are compiled by the records area's repository."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts.contracts import Actor, actor_of, names
from carnet_contacts.customization import contracts, usecases
from carnet_custom_fields.admin import CustomFieldRpc
from carnet_custom_fields.admin import segment as _name


class CustomizationRpc(CustomFieldRpc):
    """Mixed into ContactsService (which provides ``db``). Custom fields (C-14; writes: administrators, S-9): the
    methods shared with opportunities, over this service's definitions of contacts and accounts."""
    custom_field_admin = usecases.ADMIN
    actor_contract = Actor

    # Saved filters (C-12, per user and module) -------------------------------------------------------
    @rpc_method
    def list_filters(self, actor, module):
        return usecases.list_filters(self.db, actor=actor_of(actor), module=_name(module))

    @rpc_method
    def create_filter(self, actor, module, data, unreadable=()):
        actor, data = actor_of(actor), load_or_raise(contracts.FilterCreate(), data)
        with self.db.begin():
            return usecases.create_filter(self.db, actor=actor, module=_name(module), data=data,
                                          unreadable=names(unreadable))

    @rpc_method
    def update_filter(self, actor, module, filter_id, data, unreadable=()):
        actor, data = actor_of(actor), load_or_raise(contracts.FilterUpdate(), data)
        with self.db.begin():
            return usecases.update_filter(self.db, actor=actor, module=_name(module), filter_id=_name(filter_id),
                                          data=data, unreadable=names(unreadable))

    @rpc_method
    def delete_filter(self, actor, module, filter_id):
        with self.db.begin():
            usecases.delete_filter(self.db, actor=actor_of(actor), module=_name(module), filter_id=_name(filter_id))

    # Layouts (C-15) -------------------------------------------------------------------------------------
    @rpc_method
    def get_layout(self, actor, module):
        return usecases.get_layout(self.db, actor=actor_of(actor), module=_name(module))

    @rpc_method
    def put_layout(self, actor, module, data):
        actor, data = actor_of(actor), load_or_raise(contracts.LayoutPut(), data)
        with self.db.begin():
            return usecases.put_layout(self.db, actor=actor, module=_name(module), data=data)
