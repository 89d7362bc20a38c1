"""Routes of sending domains (E-5, E-6): DNS records to publish, their check, approval; served by the campaigns
service (domains area). Every route needs the plan's ``emails`` feature (E-1: ``feature="emails"``) and the
``emails`` module permissions (S-3)."""
