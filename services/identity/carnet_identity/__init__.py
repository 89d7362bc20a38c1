"""Carnet identity service (docs/rules/identity-and-access.md: S-1..S-10)."""
