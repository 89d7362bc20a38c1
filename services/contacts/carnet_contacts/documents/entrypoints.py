"""RPC entrypoints of documents: parse (contracts) → use case → result."""


class DocumentsRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ...)."""

    # Background jobs of this area (N-4): {kind: work}, merged into the service's ``job_work`` (service.py).
    area_jobs = {}
