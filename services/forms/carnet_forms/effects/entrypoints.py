"""Event handlers and RPCs of the effects area (F-3, F-4): what a submission became, double opt-in."""


class EffectsEntrypoints:
    """Mixed into FormsService."""
