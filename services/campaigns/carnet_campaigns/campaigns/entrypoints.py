"""Entrypoints of the campaigns area: parse (contracts) → use case → dump."""


class CampaignsEntrypoints:
    pass
