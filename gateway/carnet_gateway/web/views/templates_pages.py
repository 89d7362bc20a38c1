"""Pages of e-mail templates (E-2, E-8): built-in and own, merge fields, previews (web client conventions:
gateway/carnet_gateway/web/README.md)."""
