"""RPC contracts of imports (C-19), shared with the gateway in ``carnet_contracts.imports``."""
from carnet_contracts.imports import ImportChunk as ImportChunk
from carnet_contracts.imports import ImportOptions as ImportOptions
from carnet_contracts.imports import ImportStart as ImportStart
