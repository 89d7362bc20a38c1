"""Deletes, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10): what ``/api/v1`` takes and the
contacts service loads again."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_contracts.values import PageQuery

BULK_ACTIONS = ("copy_to_list", "move_to_list", "delete")
ACCOUNT_BULK_ACTIONS = ("copy_to_list", "move_to_list", "remove_from_list", "delete")
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


def _ids(noun):
    return fields.List(identifier(), validate=validate.Length(min=1, max=BULK_MAX), metadata={
        "description": f"{noun.capitalize()} to act on (at most 10,000); ids the caller cannot see are reported in "
                       "not_found, never acted on."})


def _q(noun):
    return fields.String(validate=validate.Length(max=500), metadata={
        "description": f"Instead of ids: the {noun} this search selects (as GET /{noun}?q=), at most 10,000."})


def _criteria(noun):
    return fields.Dict(metadata={
        "description": f"Instead of ids, alone or with q: a filter (C-12, the criteria JSON of GET /{noun}) as an "
                       "object."})


class _Bulk(Contract):
    """What every bulk action shares (C-9): a selection by ids, or by a search and/or a filter, never both; the
    lists an action moves between, required by the actions of ``LISTS_NEEDED``."""
    LISTS_NEEDED = {}  # field -> the actions that need it

    @validates_schema
    def _selection_and_lists(self, data, **kwargs):
        """Ids, or a search and/or a filter, never both; the lists the action moves between."""
        if ("ids" in data) == ("q" in data or "criteria" in data):
            raise ValidationError("bulk_selection_required", "ids")
        for field, actions in self.LISTS_NEEDED.items():
            if data.get("action") in actions and field not in data:
                raise ValidationError("Missing data for required field.", field)


class BulkAction(_Bulk):
    """One action on contacts chosen by ids, or by a search and/or a filter (C-9)."""
    LISTS_NEEDED = {"list_id": ("copy_to_list", "move_to_list"), "from_list_id": ("move_to_list",)}
    action = fields.String(required=True, validate=validate.OneOf(BULK_ACTIONS))
    ids, q, criteria = _ids("contacts"), _q("contacts"), _criteria("contacts")
    list_id = identifier(metadata={"description": "Target list of copy_to_list and move_to_list."})
    from_list_id = identifier(metadata={"description": "Source list of move_to_list."})
    delete_empty_accounts = StrictBoolean(metadata={
        "description": "delete: also delete the accounts left without contacts (C-10)."})
    dependents = _dependents(
        "delete: the contacts' opportunities and tasks (and those of accounts deleted with them), as "
        "`dependents` of DELETE /contacts/{id}: `reattach` (default) or `delete`.")


class AccountBulkAction(_Bulk):
    """One action on accounts chosen by ids, or by a search and/or a filter (C-9, C-10): copied or moved to a list,
    removed from one, or deleted to the trash with their contacts as DELETE /accounts/{id} deletes one."""
    LISTS_NEEDED = {"list_id": ("copy_to_list", "move_to_list"),
                    "from_list_id": ("move_to_list", "remove_from_list")}
    action = fields.String(required=True, validate=validate.OneOf(ACCOUNT_BULK_ACTIONS))
    ids, q, criteria = _ids("accounts"), _q("accounts"), _criteria("accounts")
    list_id = identifier(metadata={"description": "Target list of copy_to_list and move_to_list."})
    from_list_id = identifier(metadata={
        "description": "The list move_to_list and remove_from_list take the accounts out of. remove_from_list "
                       "keeps an account in it when it is the only one of the caller's lists the account is in "
                       "(counted in kept_in_last_list: move it instead)."})
    dependents = _dependents(
        "delete: the opportunities and tasks of the accounts and of their contacts, as `dependents` of "
        "DELETE /accounts/{id}: `reattach` (default: they stay on the account, hidden with it) or `delete`.")
