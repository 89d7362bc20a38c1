"""Carnet's infrastructure kit, shared by every service and the gateway.

Infrastructure only (errors, event envelope, nameko providers, config, logging): no domain code.
"""
