"""Pages of sending domains (E-5, E-6): DNS records to publish, their check, approval (web client conventions:
gateway/carnet_gateway/web/README.md)."""
