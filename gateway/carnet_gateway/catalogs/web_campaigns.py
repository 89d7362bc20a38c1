"""Texts of the pages of campaigns and one-to-one e-mails (E-2…E-5, E-10): drafts, lists, content, sending, progress;
sent e-mails: ``key: (english, french)``."""
MESSAGES = {}
