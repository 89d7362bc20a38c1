"""Routes of the audience of campaigns: pre-send counters (E-4), a contact's consent ledger (E-11), the suppression
list; served by the campaigns service (audience area). Every route needs the plan's ``emails`` feature (E-1:
``feature="emails"``) and the ``emails`` module permissions (S-3)."""
