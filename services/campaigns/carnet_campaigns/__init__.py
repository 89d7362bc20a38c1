"""Carnet campaigns service (SPEC §5: E-1…E-11)."""
