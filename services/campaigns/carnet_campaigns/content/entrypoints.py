"""Entrypoints of the content area: parse (contracts) → use case → dump."""


class ContentEntrypoints:
    pass
