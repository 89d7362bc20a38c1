"""RPC contracts of exports (C-18). The gateway sends what the caller's role may read (standard fields of the
record and of its account, custom keys it may not read); tests/contract compares the query with its own."""
from marshmallow import fields as f
from marshmallow import validate

from carnet_common.contracts import Contract


class ExportRequest(Contract):
    record_type = f.String(required=True, validate=validate.OneOf(("contact", "account")))
    query = f.Dict(load_default=dict)
    record_fields = f.List(f.String(validate=validate.Length(max=64)), load_default=list,
                         validate=validate.Length(max=200))
    account_fields = f.List(f.String(validate=validate.Length(max=64)), load_default=list,
                                 validate=validate.Length(max=200))
    denied_custom = f.List(f.String(validate=validate.Length(max=64)), load_default=list,
                                validate=validate.Length(max=500))
    unreadable = f.List(f.String(validate=validate.Length(max=200)), load_default=list,
                        validate=validate.Length(max=1000))
    language = f.String(load_default="en", validate=validate.OneOf(("en", "fr")))
