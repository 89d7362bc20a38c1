"""Messages of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails: ``key: (english, french)``.
The routes raise only the shared codes (``not_found``, ``forbidden``, ``plan_feature``, ``invalid_input``)."""
MESSAGES = {}
