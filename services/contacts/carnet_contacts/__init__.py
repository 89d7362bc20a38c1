"""Carnet contacts service: contacts, accounts, lists, memberships, history and search (SPEC §3)."""
