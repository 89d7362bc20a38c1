"""RPC contracts of exports (C-18): the request the gateway sends (what the caller's role may read, with the
search's query), declared in ``carnet_contracts.exports``; the query itself is loaded as the records' search."""
from carnet_contracts.exports import ExportRequest as ExportRequest
