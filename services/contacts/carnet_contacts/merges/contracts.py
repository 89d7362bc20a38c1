"""RPC contracts of merges (C-20): what the gateway loads and forwards is declared once for both sides in
``carnet_contracts.merges``; the record types a caller may act on (sent by the gateway) are parsed here."""
from marshmallow import ValidationError

from carnet_contracts.merges import RECORD_TYPES
from carnet_contracts.merges import MergeCreate as MergeCreate
from carnet_contracts.merges import MergePreviewQuery as MergePreviewQuery
from carnet_contracts.merges import MergeQuery as MergeQuery


def record_types(values):
    """The record types the caller's role allows here (the gateway sends them)."""
    if not isinstance(values, list) or not set(values) <= set(RECORD_TYPES):
        raise ValidationError({"record_types": ["Invalid value."]})
    return values
