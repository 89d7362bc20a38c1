"""RPCs of the builder area (F-1, F-2): parse → use case → dump."""


class BuilderEntrypoints:
    """Mixed into FormsService."""
