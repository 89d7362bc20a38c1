"""Duplicate detection (C-20): blocking keys, scored similarity, the background scan and its review queue, checks
before a create or an import.
"""
