"""Routes of e-mail templates (E-2, E-8): built-in and own, merge fields, previews; served by the campaigns service
(content area). Every route needs the plan's ``emails`` feature (E-1: ``feature="emails"``) and the ``emails``
module permissions (S-3)."""
