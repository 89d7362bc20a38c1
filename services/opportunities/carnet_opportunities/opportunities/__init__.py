"""Stages (O-3), opportunities and their product lines (O-1, O-2, O-4, O-5, O-7), their custom fields (C-14) and
their export (O-6)."""
