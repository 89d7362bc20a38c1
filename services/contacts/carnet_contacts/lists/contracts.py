"""RPC contracts of lists (L-1..L-3, S-6): declared once for the gateway and this service in
``carnet_contracts.lists``, under the names the entrypoints use."""
from carnet_contracts import lists
from carnet_contracts.lists import ListCreate as ListCreate
from carnet_contracts.lists import ListUpdate as ListUpdate

SelectedLists = lists.SelectedListsBody
Grants = lists.GrantsBody
