"""Customization of contacts and accounts: custom fields (C-14), saved filters (C-12), list layouts and each
user's sort (C-15)."""
