"""Entrypoints of the opportunities service for the custom fields of opportunities (C-14): the same methods and
arguments as the contacts service's for contacts and accounts, so the gateway calls either by module."""
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_opportunities import contracts, custom_fields


def _actor(actor):
    return load_or_raise(contracts.Actor(), actor)


def _name(value):
    """Path segments arrive as text; anything else names nothing."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


class CustomFieldsRpc:
    """Mixed into OpportunitiesService (which provides ``db``). Writes: administrators (S-9)."""

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
