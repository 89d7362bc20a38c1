"""Entrypoints of the contacts service for exports to .xlsx (C-18) and background jobs (N-4)."""


class ExportRpc:
    """Mixed into ContactsService."""
