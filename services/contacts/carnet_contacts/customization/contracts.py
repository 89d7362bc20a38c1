"""RPC contracts of customization (C-12, C-15): declared once for the gateway and this service in
``carnet_contracts.customization``. Custom field definitions (C-14) are loaded by
``carnet_custom_fields.admin.CustomFieldRpc`` with the same module's contracts."""
from carnet_contracts.customization import FilterCreate as FilterCreate
from carnet_contracts.customization import FilterUpdate as FilterUpdate
from carnet_contracts.customization import LayoutPut as LayoutPut
