"""Events of the effects area (``forms.<name>``), named in ``carnet_forms/events.py``."""
