"""HTTP contracts of deletes, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10).

The contacts service validates again with its own copy (``carnet_contacts/lifecycle/contracts.py``).
"""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean, identifier, text
from carnet_gateway.schemas import page_of

BULK_ACTIONS = ("copy_to_list", "move_to_list", "delete")
BULK_MAX = 10_000
DEPENDENTS = ("delete", "reattach")


def _dependents(description):
    """C-10: the caller's choice for the opportunities and tasks hanging on the deleted records."""
    return fields.String(load_default="reattach", validate=validate.OneOf(DEPENDENTS),
                         metadata={"description": description})


class RelationCreate(Contract):
    other_id = identifier(required=True, metadata={"description": "Another contact the caller sees."})
    label = text(required=True, max_length=100, metadata={"example": "Succursale"})


class RelationRead(Contract):
    other_id = fields.String()
    other_name = fields.String()
    label = fields.String()
    created_at = fields.String()
    created_by = fields.String(allow_none=True)


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


class TrashQuery(Contract):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class Dependant(Contract):
    type = fields.String(metadata={"description": "contact or account"})
    id = fields.String()


class TrashEntry(Contract):
    id = fields.String(metadata={"description": "The deleted record's id; restore with POST /trash/{id}/restore."})
    record_type = fields.String(metadata={"description": "contact or account"})
    name = fields.String()
    deleted_at = fields.String()
    deleted_by = fields.String(allow_none=True)
    expires_at = fields.String(metadata={"description": "deleted_at + 30 days: purged for good after it."})
    dependants = fields.List(fields.Nested(Dependant), metadata={
        "description": "Records deleted with it (an account's contacts), restored with it."})


TrashPage = page_of(TrashEntry, "TrashPage")


class RestoreResult(Contract):
    id = fields.String()
    record_type = fields.String()
    restored = fields.List(fields.Nested(Dependant))


class NamedRecord(Contract):
    id = fields.String()
    name = fields.String()


class DeletePreview(Contract):
    record_type = fields.String()
    id = fields.String()
    name = fields.String()
    contacts = fields.List(fields.Nested(NamedRecord), metadata={
        "description": "Accounts: the visible contacts deleted with it."})
    contacts_total = fields.Integer(metadata={"description": "Accounts: every contact deleted with it."})
    account_id = fields.String(allow_none=True)
    account_name = fields.String(allow_none=True)
    offers_account_delete = fields.Boolean(metadata={
        "description": "Contacts: the last contact of its account; DELETE ?delete_account=true takes both."})
    # C-10 (opportunities area): asked of the opportunities service by contacts, with a timeout
    tasks = fields.List(fields.Dict(), metadata={
        "description": "Visible tasks hanging on the record (from the opportunities service)."})
    opportunities = fields.List(fields.Dict(), metadata={
        "description": "Visible opportunities hanging on the record: {id, title, probability, total, read_only}."})
    opportunities_total = fields.Integer(metadata={"description": "Every opportunity hanging on it, visible or not."})
    tasks_total = fields.Integer(metadata={"description": "Every task hanging on it, visible or not."})
    dependents_unavailable = fields.Boolean(metadata={
        "description": "True when the opportunities service did not answer: tasks and opportunities are unknown."})
    reattach_to = fields.String(allow_none=True, metadata={
        "description": "The account `dependents=reattach` moves the tasks and opportunities to: a contact's "
                       "account. Null for an account (nothing to reattach to) or a contact without one: they "
                       "stay, hidden with the deleted record, and come back with it."})
    dependents_choices = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "What each `dependents` choice of the DELETE would do here, in the caller's language: "
                       "{\"delete\": …, \"reattach\": …}."})


class BulkAction(Contract):
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
        if ("ids" in data) == ("q" in data or "criteria" in data):
            raise ValidationError("bulk_selection_required", "ids")
        if data.get("action") in ("copy_to_list", "move_to_list") and "list_id" not in data:
            raise ValidationError("Missing data for required field.", "list_id")
        if data.get("action") == "move_to_list" and "from_list_id" not in data:
            raise ValidationError("Missing data for required field.", "from_list_id")


class BulkResult(Contract):
    action = fields.String()
    matched = fields.Integer(metadata={"description": "Visible contacts selected."})
    changed = fields.Integer(metadata={"description": "Contacts actually copied, moved or deleted."})
    not_found = fields.List(fields.String(), metadata={"description": "Requested ids absent or not visible."})
    not_in_source_list = fields.Integer(metadata={"description": "move_to_list: selected but not in from_list_id."})
    accounts_left_empty = fields.List(fields.String(), metadata={
        "description": "delete: visible accounts left without contacts."})
    accounts_deleted = fields.List(fields.String())
