"""Carnet opportunities service (SPEC §4: O-1..O-7, T-1..T-4, D-1)."""
