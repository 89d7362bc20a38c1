"""Routes: see carnet_contacts/lifecycle.py."""
from carnet_gateway.api import api  # noqa: F401
