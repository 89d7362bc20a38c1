"""Events of the forms service (``forms.<name>``), each declared beside the code that writes it (its payload builder
in ``<area>/events.py``), all named here. Every payload has ``org_id``; each is written through the outbox in the
transaction of its change.
"""
