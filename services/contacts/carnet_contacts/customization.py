"""Entrypoints of the contacts service for custom fields (C-14), filters and criteria (C-12), saved filters, list layouts and per-user sort (C-15)."""


class CustomizationRpc:
    """Mixed into ContactsService."""
