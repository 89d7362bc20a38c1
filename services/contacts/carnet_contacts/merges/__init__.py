"""Merges of duplicates (C-20): the field-by-field preview, the merge that keeps every membership, relation, task,
opportunity, history entry and document, and its undo within 30 days.
"""
