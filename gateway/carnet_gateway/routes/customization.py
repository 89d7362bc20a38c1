"""Routes: see carnet_contacts/customization.py."""
from carnet_gateway.api import api  # noqa: F401
