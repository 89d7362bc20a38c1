"""RPC contracts of the delete conversation (C-10): contacts' delete preview names the record it asks about; a
delete with ``dependents=delete`` names the records it deletes (``DeleteSelection``). Their caller is the
opportunities' ``Actor``."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, identifier

MAX_RECORDS = 10_000  # a bulk delete's contacts (carnet_contracts.lifecycle.BULK_MAX) and the accounts they empty


class DependentsQuery(Contract):
    record_type = fields.String(required=True, validate=validate.OneOf(("contact", "account")))
    record_id = identifier(required=True)


class DeletedAccount(Contract):
    id = identifier(required=True)
    contact_ids = fields.List(identifier(), load_default=list, validate=validate.Length(max=MAX_RECORDS))


class DeleteSelection(Contract):
    """The records one delete takes: contacts, and accounts with the contacts deleted with each."""
    contact_ids = fields.List(identifier(), load_default=list, validate=validate.Length(max=MAX_RECORDS))
    accounts = fields.List(fields.Nested(DeletedAccount), load_default=list,
                           validate=validate.Length(max=MAX_RECORDS))
