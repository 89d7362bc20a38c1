"""Deletes, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10): what ``/api/v1`` takes and the
contacts service loads again."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.values import PageQuery

BULK_ACTIONS = ("copy_to_list", "move_to_list", "delete")
BULK_MAX = 10_000  # records one bulk action may touch (the contacts service's lifecycle/usecases.py says why)
DEPENDENTS = ("delete", "reattach")


def _dependents(description):
    """C-10: the caller's choice for the opportunities and tasks hanging on the deleted records."""
    return fields.String(load_default="reattach", validate=validate.OneOf(DEPENDENTS),
                         metadata={"description": description})


class RelationCreate(Contract):
    other_id = identifier(required=True, metadata={"description": "Another contact the caller sees."})
    label = text(required=True, max_length=100, metadata={"example": "Succursale"})


class ContactMove(Contract):
    account_id = identifier(required=True, metadata={"description": "The contact's new account (C-7)."})


class DeleteContactQuery(Contract):
    delete_account = fields.Boolean(load_default=False, metadata={
        "description": "Also delete the contact's account when no other contact is left in it (C-10)."})
    dependents = _dependents(
        "The contact's opportunities and tasks (see the delete preview): `reattach` (default) moves them to its "
        "account, no longer naming the contact (a contact without an account keeps its tasks, hidden with it); "
        "`delete` sends them to the trash with it. Either way they come back if it is restored.")


class DeleteAccountQuery(Contract):
    dependents = _dependents(
        "The opportunities and tasks of the account and of its contacts (see the delete preview). An account has "
        "nothing to reattach them to: with `reattach` (default) they stay on it, hidden with it, and come back "
        "if it is restored (removed for good when it is purged from the trash); with `delete` they go to the "
        "trash with it and also come back if it is restored.")


class TrashQuery(PageQuery):
    """A page of the trash."""


class BulkAction(Contract):
    """One action on contacts chosen by ids, or by a search and/or a filter (C-9)."""
    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTIONS))
    ids = fields.List(identifier(), validate=validate.Length(min=1, max=BULK_MAX), metadata={
        "description": "Contacts to act on (at most 10,000); ids the caller cannot see are reported in "
                       "not_found, never acted on."})
    q = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Instead of ids: the contacts this search selects (as GET /contacts?q=), at most 10,000."})
    criteria = fields.Dict(metadata={
        "description": "Instead of ids, alone or with q: a filter (C-12, the criteria JSON of GET /contacts) as "
                       "an object."})
    list_id = identifier(metadata={"description": "Target list of copy_to_list and move_to_list."})
    from_list_id = identifier(metadata={"description": "Source list of move_to_list."})
    delete_empty_accounts = StrictBoolean(metadata={
        "description": "delete: also delete the accounts left without contacts (C-10)."})
    dependents = _dependents(
        "delete: the contacts' opportunities and tasks (and those of accounts deleted with them), as "
        "`dependents` of DELETE /contacts/{id}: `reattach` (default) or `delete`.")

    @validates_schema
    def _selection_and_lists(self, data, **kwargs):
        """Ids, or a search and/or a filter, never both; the lists the action moves between."""
        if ("ids" in data) == ("q" in data or "criteria" in data):
            raise ValidationError("bulk_selection_required", "ids")
        if data.get("action") in ("copy_to_list", "move_to_list") and "list_id" not in data:
            raise ValidationError("Missing data for required field.", "list_id")
        if data.get("action") == "move_to_list" and "from_list_id" not in data:
            raise ValidationError("Missing data for required field.", "from_list_id")
