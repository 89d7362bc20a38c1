"""What this service keeps of other services' facts, fed by their events and never by reading their schemas: the
users read model (identity, r1:/r2: searches, C-11) and the summaries of opportunities and tasks (opportunities,
the action criteria of C-12)."""
