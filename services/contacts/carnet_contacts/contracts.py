"""What every entrypoint of the contacts service receives: the caller (``Actor``, as the gateway verified it,
declared with the gateway's shape in ``carnet_contracts.actors``) and path ids, with the parsing each area's
entrypoints share. The areas' own contracts are in ``<area>/contracts.py``."""
from carnet_common.contracts import load_or_raise
from carnet_contracts import actors

Actor = actors.ContactsActor


# Parsing what every entrypoint receives ----------------------------------------------------------------------

def actor_of(value):
    """The caller as the gateway sent it, checked (``InvalidInput`` otherwise)."""
    return load_or_raise(Actor(), value)


def path_id(value):
    """Path ids arrive as text; anything else cannot name a record."""
    return value if isinstance(value, str) and 0 < len(value) <= 64 else ""


def names(values):
    """A list of names (field permission keys) as the caller sent it; anything else names none."""
    return [v for v in values if isinstance(v, str)] if isinstance(values, (list, tuple)) else []
