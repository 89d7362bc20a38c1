"""Entrypoints of the sending area: parse (contracts) → use case → dump."""


class SendingEntrypoints:
    pass
