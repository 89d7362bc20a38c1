"""Routes: see carnet_contacts/exports.py."""
from carnet_gateway.api import api  # noqa: F401
