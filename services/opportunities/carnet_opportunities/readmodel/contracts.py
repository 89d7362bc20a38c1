"""RPC contracts of the delete conversation (C-10): contacts' delete preview names the record it asks about. Its
caller is the opportunities' ``Actor``."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, identifier


class DependentsQuery(Contract):
    record_type = fields.String(required=True, validate=validate.OneOf(("contact", "account")))
    record_id = identifier(required=True)
