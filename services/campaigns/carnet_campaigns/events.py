"""Events of the campaigns service (``campaigns.<name>``) and their payloads. Every payload has ``org_id``.

Each area adds its events here, with a comment saying who consumes them and what they carry.
"""
