"""Events of the builder area (``forms.<name>``), named in ``carnet_forms/events.py``."""
