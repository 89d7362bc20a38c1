"""What every organization-scoped RPC of the service takes, checked the same way by every area: the caller, as the
gateway sent it (``actors.FORMS``, one contract: docs/conventions.md, "The caller travels explicitly"), and the ids
of paths."""
from carnet_common.contracts import load_or_raise
from carnet_common.errors import NotFound
from carnet_contracts.actors import FormsActor


def actor_of(value):
    """The caller, checked (``InvalidInput`` otherwise)."""
    return load_or_raise(FormsActor(), value)


def path_id(value, max_length=64):
    """An id from a path: anything that cannot name a row is a 404, as an unknown id."""
    if not isinstance(value, str) or not 0 < len(value) <= max_length:
        raise NotFound()
    return value
