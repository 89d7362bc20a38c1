"""What every entrypoint of the contacts service receives: the caller (``Actor``, as the gateway verified it) and
path ids, with the parsing each area's entrypoints share. The areas' own contracts are in ``<area>/contracts.py``."""
from marshmallow import fields

from carnet_common.contracts import Contract, load_or_raise


class Flags(Contract):
    all_contacts = fields.Boolean(load_default=False)
    hierarchy_contacts = fields.Boolean(load_default=False)
    own_records_only = fields.Boolean(load_default=False)


class Actor(Contract):
    """The caller as the gateway verified it, with what visibility needs (flags, subordinates)."""
    org_id = fields.String(required=True)
    user_id = fields.String(required=True)
    is_admin = fields.Boolean(required=True)
    request_id = fields.String(allow_none=True)
    flags = fields.Nested(Flags, load_default=dict)
    subordinate_ids = fields.List(fields.String(), load_default=list)


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
