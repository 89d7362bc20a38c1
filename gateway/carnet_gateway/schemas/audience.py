"""HTTP shapes of the audience of campaigns: pre-send counters (E-4), a contact's consent ledger (E-11), the
suppression list — the contracts the gateway and the campaigns service share (``carnet_contracts.audience``)."""
from carnet_contracts.audience import ConsentCreate as ConsentCreate
from carnet_contracts.audience import ConsentLedger as ConsentLedger
from carnet_contracts.audience import ConsentRead as ConsentRead
from carnet_contracts.audience import Counters as Counters
from carnet_contracts.audience import CountersQuery as CountersQuery
from carnet_contracts.audience import SuppressionCreate as SuppressionCreate
from carnet_contracts.audience import SuppressionPage as SuppressionPage
from carnet_contracts.audience import SuppressionQuery as SuppressionQuery
from carnet_contracts.audience import SuppressionRead as SuppressionRead
