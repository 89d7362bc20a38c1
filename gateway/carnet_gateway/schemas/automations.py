"""HTTP shapes of automations (AU-1): the contracts the gateway and the contacts service share
(``carnet_contracts.automations``), and the job a run starts (N-4)."""
from carnet_contracts.automations import AutomationCreate as AutomationCreate
from carnet_contracts.automations import AutomationRead as AutomationRead
from carnet_contracts.automations import AutomationUpdate as AutomationUpdate
from carnet_gateway.schemas.exports import JobStarted as JobStarted
