"""RPC contracts of automations (AU-1): declared once for the gateway and this service in
``carnet_contracts.automations``."""
from carnet_contracts.automations import AutomationCreate as AutomationCreate
from carnet_contracts.automations import AutomationUpdate as AutomationUpdate
