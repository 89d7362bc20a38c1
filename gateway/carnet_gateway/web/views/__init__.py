"""One module per area; each declares its pages on ``carnet_gateway.web.blueprint`` when imported (README.md)."""
