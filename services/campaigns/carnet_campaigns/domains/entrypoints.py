"""Entrypoints of the domains area: parse (contracts) → use case → dump."""


class DomainsEntrypoints:
    pass
