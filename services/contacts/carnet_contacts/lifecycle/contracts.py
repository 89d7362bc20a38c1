"""RPC contracts of the lifecycle area: relations (C-5), moves (C-7), bulk actions (C-9), deletes and the trash
(C-10). What the gateway loads and forwards is declared once for both sides in ``carnet_contracts.lifecycle``,
under the names the entrypoints use; the record types (a path segment, the kinds the caller's role allows) are
parsed here."""
from marshmallow import ValidationError

from carnet_contracts import lifecycle
from carnet_contracts.lifecycle import AccountBulkAction as AccountBulkAction
from carnet_contracts.lifecycle import BulkAction as BulkAction
from carnet_contracts.lifecycle import ContactMove as ContactMove
from carnet_contracts.lifecycle import RelationCreate as RelationCreate
from carnet_contracts.lifecycle import TrashQuery as TrashQuery

MAX_RECORDS = lifecycle.BULK_MAX  # records one bulk action may touch (lifecycle/usecases.py says why)
RECORD_TYPES = ("contact", "account")
DeleteOptions = lifecycle.DeleteContactQuery
DeleteAccountOptions = lifecycle.DeleteAccountQuery


def record_type(value):
    """One record type, as a path segment names it."""
    if value not in RECORD_TYPES:
        raise ValidationError({"record_type": ["Invalid value."]})
    return value


def record_types(values):
    """The record types whose trash the caller may use (the gateway sends those the role may delete)."""
    if not isinstance(values, list) or not set(values) <= set(RECORD_TYPES):
        raise ValidationError({"record_types": ["Invalid value."]})
    return values
