"""The read model of contacts and accounts, fed by the contacts events, and what those events do to the
opportunities and tasks hanging on a record (the delete conversation, C-10)."""
