"""Use cases of the effects area."""
