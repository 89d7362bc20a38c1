"""Route modules, one per bounded context; importing them declares their operations on ``api``."""
