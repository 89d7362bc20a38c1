"""RPC contracts of enrichment (C-6): the apply body is ``carnet_contracts.enrichment``'s, shared with the gateway;
what the gateway adds (the fields the caller may read, the primary contact permission) travels as arguments."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, StrictBoolean
from carnet_contracts.enrichment import EnrichmentApply as EnrichmentApply


class Authority(Contract):
    """What the caller's role allows here, from the gateway (S-3, C-13): the contact fields it may read
    (``first_name``, ``custom.linkedin``), and whether it holds the primary contact permission this call needs."""
    readable = fields.List(fields.String(validate=validate.Length(max=80)), load_default=list,
                           validate=validate.Length(max=200))
    primary_allowed = StrictBoolean(load_default=False)
