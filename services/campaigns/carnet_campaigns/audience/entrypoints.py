"""Entrypoints of the audience area: parse (contracts) → use case → dump."""


class AudienceEntrypoints:
    pass
