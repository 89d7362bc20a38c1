"""Use cases of the builder area."""
