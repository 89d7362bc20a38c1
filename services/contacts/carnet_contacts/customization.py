"""Entrypoints of the contacts service for custom fields (C-14), saved filters (C-12), list layouts and
per-user sort (C-15). Criteria themselves are compiled in ``criteria.py`` and used by the searches."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts import contracts, criteria_filters, custom_fields, layouts
from carnet_custom_fields.admin import CustomFieldRpc
from carnet_custom_fields.admin import segment as _name


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _names(values):
    return [v for v in values if isinstance(v, str)] if isinstance(values, (list, tuple)) else []


class CustomizationRpc(CustomFieldRpc):
    """Mixed into ContactsService (which provides ``db``). Custom fields (C-14; writes: administrators, S-9): the
    methods shared with opportunities, over this service's definitions of contacts and accounts."""
    custom_field_admin = custom_fields.ADMIN
    actor_contract = contracts.Actor

    # Saved filters (C-12, per user and module) -------------------------------------------------------
    @rpc_method
    def list_filters(self, actor, module):
        return criteria_filters.list_filters(self.db, actor=_actor(actor), module=_name(module))

    @rpc_method
    def create_filter(self, actor, module, data, unreadable=()):
        actor, data = _actor(actor), load_or_raise(contracts.FilterCreate(), data)
        with self.db.begin():
            return criteria_filters.create_filter(self.db, actor=actor, module=_name(module), data=data,
                                                  unreadable=_names(unreadable))

    @rpc_method
    def update_filter(self, actor, module, filter_id, data, unreadable=()):
        actor, data = _actor(actor), load_or_raise(contracts.FilterUpdate(), data)
        with self.db.begin():
            return criteria_filters.update_filter(self.db, actor=actor, module=_name(module),
                                                  filter_id=_name(filter_id), data=data, unreadable=_names(unreadable))

    @rpc_method
    def delete_filter(self, actor, module, filter_id):
        with self.db.begin():
            criteria_filters.delete_filter(self.db, actor=_actor(actor), module=_name(module),
                                           filter_id=_name(filter_id))

    # Layouts (C-15) -------------------------------------------------------------------------------------
    @rpc_method
    def get_layout(self, actor, module):
        return layouts.get_layout(self.db, actor=_actor(actor), module=_name(module))

    @rpc_method
    def put_layout(self, actor, module, data):
        actor, data = _actor(actor), load_or_raise(contracts.LayoutPut(), data)
        with self.db.begin():
            return layouts.put_layout(self.db, actor=actor, module=_name(module), data=data)
