"""Events of the intake area (``forms.<name>``), named in ``carnet_forms/events.py``."""
