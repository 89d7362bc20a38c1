"""RPCs of the intake area (F-2, F-4, F-5): the public side's render and submit, the quarantine and statistics."""


class IntakeEntrypoints:
    """Mixed into FormsService."""
