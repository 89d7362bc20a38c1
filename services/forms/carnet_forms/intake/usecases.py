"""Use cases of the intake area."""
