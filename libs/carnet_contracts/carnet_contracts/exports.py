"""Exports of contacts and accounts to .xlsx (C-18): the query ``/api/v1`` takes, and the request the gateway
sends the contacts service with it. (Opportunities' export query is in ``opportunities``.)"""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts.actors import LANGUAGES
from carnet_contracts.records import RecordQuery


class ExportQuery(RecordQuery):
    """The search's own parameters (q, and whatever filters it gains), without paging: an export has every row."""

    class Meta(RecordQuery.Meta):
        exclude = ("page", "per_page")


def _names(length, count):
    return fields.List(fields.String(validate=validate.Length(max=length)), load_default=list,
                       validate=validate.Length(max=count))


class ExportRequest(Contract):
    """What the gateway sends with an ``ExportQuery``: what the caller's role may read (S-3: standard fields of the
    record and of its account, custom keys it may not read, the permission keys criteria and sorts may not use),
    and the language of the headers."""
    record_type = fields.String(required=True, validate=validate.OneOf(("contact", "account")))
    query = fields.Dict(load_default=dict)
    record_fields = _names(64, 200)
    account_fields = _names(64, 200)
    denied_custom = _names(64, 500)
    unreadable = _names(200, 1000)
    language = fields.String(load_default="en", validate=validate.OneOf(LANGUAGES))
