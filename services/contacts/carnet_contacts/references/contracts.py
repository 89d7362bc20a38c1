"""RPC contract of the read-through (``get_record_refs``): which contacts and accounts a caller asks about. Its
caller is the opportunities service, for the links of one write, so a handful of ids: bounded all the same."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, identifier

MAX_IDS = 50


def _ids():
    return fields.List(identifier(), load_default=list, validate=validate.Length(max=MAX_IDS))


class RecordRefsQuery(Contract):
    contact = _ids()
    account = _ids()
