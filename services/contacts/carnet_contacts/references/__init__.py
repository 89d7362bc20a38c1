"""Contacts and accounts as other services' read models hold them, asked at the source: the read-through of
the opportunities service's read model (its ``readmodel`` area), so a record a client was just given is never
refused for the lag of its event."""
