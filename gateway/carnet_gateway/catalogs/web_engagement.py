"""Texts of the pages of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails: ``key: (english,
french)``."""
MESSAGES = {}
