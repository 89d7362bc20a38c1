"""Routes of what recipients did (E-7, E-9): per-recipient report, a contact's e-mails; served by the campaigns
service (engagement area). Every route needs the plan's ``emails`` feature (E-1: ``feature="emails"``) and the
``emails`` module permissions (S-3)."""
