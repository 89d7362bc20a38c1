"""Texts of the pages of e-mail templates (E-2, E-8): built-in and own, merge fields, previews: ``key: (english,
french)``."""
MESSAGES = {}
