"""Exports of contacts and accounts to .xlsx (C-18), and the background jobs that build the large ones (N-4)."""
