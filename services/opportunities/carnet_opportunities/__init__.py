"""Carnet opportunities service (docs/rules/opportunities-and-tasks.md: O-1..O-7, T-1..T-4, D-1)."""
