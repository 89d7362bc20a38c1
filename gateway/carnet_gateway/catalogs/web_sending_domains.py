"""Texts of the pages of sending domains (E-5, E-6): DNS records to publish, their check, approval: ``key: (english,
french)``."""
MESSAGES = {}
