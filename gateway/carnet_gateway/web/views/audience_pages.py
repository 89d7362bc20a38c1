"""Pages of the audience of campaigns: pre-send counters (E-4), a contact's consent ledger (E-11), the suppression
list (web client conventions: gateway/carnet_gateway/web/README.md)."""
