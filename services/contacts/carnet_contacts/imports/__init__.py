"""Imports of contacts and accounts from .xlsx (C-19): upload checks, mapping, dry run, the import job with progress,
update mode and revert.
"""
