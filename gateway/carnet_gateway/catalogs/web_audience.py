"""Texts of the pages of the audience of campaigns: pre-send counters (E-4), a contact's consent ledger (E-11), the
suppression list: ``key: (english, french)``."""
MESSAGES = {}
