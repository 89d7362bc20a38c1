"""RPC contracts of the lifecycle area: relations (C-5), moves (C-7), bulk actions (C-9), deletes and the trash
(C-10). The gateway keeps its own copy in ``carnet_gateway/schemas/lifecycle.py``; tests/contract compares them."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text

BULK_ACTIONS = ("copy_to_list", "move_to_list", "delete")
DEPENDENTS = ("delete", "reattach")
RECORD_TYPES = ("contact", "account")
MAX_RECORDS = 10_000  # records one bulk action may touch (lifecycle/usecases.py says why)


class RelationCreate(Contract):
    other_id = identifier(required=True)
    label = text(required=True, max_length=100)


class ContactMove(Contract):
    account_id = identifier(required=True)


def _dependents():
    """C-10: what hangs on the deleted records (opportunities, tasks) is deleted with them, or reattached
    (lifecycle/usecases.py)."""
    return fields.String(load_default="reattach", validate=validate.OneOf(DEPENDENTS))


class DeleteOptions(Contract):
    delete_account = fields.Boolean(load_default=False)
    dependents = _dependents()


class DeleteAccountOptions(Contract):
    dependents = _dependents()


class TrashQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class BulkAction(Contract):
    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTIONS))
    ids = fields.List(identifier(), validate=validate.Length(min=1, max=MAX_RECORDS))
    q = fields.String(validate=validate.Length(max=500))
    criteria = fields.Dict()
    list_id = identifier()
    from_list_id = identifier()
    delete_empty_accounts = StrictBoolean()
    dependents = _dependents()

    @validates_schema
    def _selection_and_lists(self, data, **kwargs):
        if ("ids" in data) == ("q" in data or "criteria" in data):
            raise ValidationError("bulk_selection_required", "ids")
        if data.get("action") in ("copy_to_list", "move_to_list") and "list_id" not in data:
            raise ValidationError("Missing data for required field.", "list_id")
        if data.get("action") == "move_to_list" and "from_list_id" not in data:
            raise ValidationError("Missing data for required field.", "from_list_id")


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
