"""Routes of campaigns and one-to-one e-mails (E-2…E-5, E-10): drafts, lists, content, sending, progress; sent
e-mails; served by the campaigns service (campaigns + sending area). Every route needs the plan's ``emails``
feature (E-1: ``feature="emails"``) and the ``emails`` module permissions (S-3)."""
