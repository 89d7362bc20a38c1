"""Entrypoints of the contacts service for custom fields (C-14), saved filters (C-12), list layouts and
per-user sort (C-15). Criteria themselves are compiled in ``criteria.py`` and used by the searches."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_contacts import contracts, criteria_filters, custom_fields, layouts


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _name(value):
    """Path segments arrive as text; anything else names nothing."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


def _names(values):
    return [v for v in values if isinstance(v, str)] if isinstance(values, (list, tuple)) else []


class CustomizationRpc:
    """Mixed into ContactsService (which provides ``db``)."""

    # Custom fields (C-14; writes: administrators, S-9) -----------------------------------------------
    @rpc_method
    def list_custom_fields(self, actor, module):
        return custom_fields.list_fields(self.db, actor=_actor(actor), module=_name(module))

    @rpc_method
    def create_custom_field(self, actor, module, data):
        actor, data = _actor(actor), load_or_raise(contracts.CustomFieldCreate(), data)
        with self.db.begin():
            return custom_fields.create_field(self.db, actor=actor, module=_name(module), data=data)

    @rpc_method
    def update_custom_field(self, actor, module, key, data):
        actor, data = _actor(actor), load_or_raise(contracts.CustomFieldUpdate(), data)
        with self.db.begin():
            return custom_fields.update_field(self.db, actor=actor, module=_name(module), key=_name(key), data=data)

    @rpc_method
    def delete_custom_field(self, actor, module, key):
        with self.db.begin():
            custom_fields.delete_field(self.db, actor=_actor(actor), module=_name(module), key=_name(key))

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
