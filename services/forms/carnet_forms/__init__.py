"""Carnet forms service (SPEC §8: F-1…F-5)."""
