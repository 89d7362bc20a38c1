"""RPC entrypoints of automations: parse (contracts) → use case → result."""


class AutomationsRpc:
    """Mixed into ContactsService (which provides ``db``, ``outbox``, ...)."""

    # Background jobs of this area (N-4): {kind: work}, merged into the service's ``job_work`` (service.py).
    area_jobs = {}
    # {kind: check(principal=, params=)}: what the owner's principal of now no longer grants (exports/entrypoints.py).
    area_job_checks = {}
