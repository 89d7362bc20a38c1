"""Entrypoints of the opportunities service for the custom fields of opportunities (C-14): the same methods and
arguments as the contacts service's for contacts and accounts (``carnet_custom_fields.admin``), so the gateway
calls either by module."""
from carnet_custom_fields.admin import CustomFieldRpc
from carnet_opportunities import contracts, custom_fields


class CustomFieldsRpc(CustomFieldRpc):
    """Mixed into OpportunitiesService (which provides ``db``). Writes: administrators (S-9)."""
    custom_field_admin = custom_fields.ADMIN
    actor_contract = contracts.Actor
    create_contract = contracts.CustomFieldCreate
    update_contract = contracts.CustomFieldUpdate
