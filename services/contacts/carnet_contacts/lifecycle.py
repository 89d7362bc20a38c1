"""Entrypoints of the contacts service for relations (C-5), moves between accounts (C-7), bulk actions (C-9), trash, restore and purge (C-10)."""


class LifecycleRpc:
    """Mixed into ContactsService."""
