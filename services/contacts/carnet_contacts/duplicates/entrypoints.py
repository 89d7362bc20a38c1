"""RPC entrypoints of duplicates: parse (contracts) → use case → result."""


class DuplicatesRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ...)."""

    # Background jobs of this area (N-4): {kind: work}, merged into the service's ``job_work`` (service.py).
    area_jobs = {}
