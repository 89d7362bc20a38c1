"""RPC contracts of contacts and accounts: their writes, memberships and searches (C-4, C-9, C-11, C-12),
declared once for the gateway and this service in ``carnet_contracts.records``, under the names the entrypoints
use."""
from carnet_contracts import records
from carnet_contracts.records import AccountContactCreate as AccountContactCreate
from carnet_contracts.records import AccountCreate as AccountCreate
from carnet_contracts.records import AccountUpdate as AccountUpdate
from carnet_contracts.records import ContactCreate as ContactCreate
from carnet_contracts.records import ContactUpdate as ContactUpdate

ListIds = records.ListIdsBody
SearchQuery = records.RecordQuery
