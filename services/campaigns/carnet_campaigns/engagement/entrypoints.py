"""Entrypoints of the engagement area: parse (contracts) → use case → dump."""


class EngagementEntrypoints:
    pass
