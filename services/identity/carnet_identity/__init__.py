"""Carnet identity service (SPEC §2: S-1..S-10)."""
