"""Pages of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails (web client conventions:
gateway/carnet_gateway/web/README.md)."""
