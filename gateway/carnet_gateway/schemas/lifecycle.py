"""HTTP shapes of deletes, the trash, relations, moves and bulk actions (C-5, C-7, C-9, C-10): what the gateway
answers. The bodies and queries routes load and forward are ``carnet_contracts.lifecycle``'s, the contracts the
contacts service loads again."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.lifecycle import AccountBulkAction as AccountBulkAction
from carnet_contracts.lifecycle import BulkAction as BulkAction
from carnet_contracts.lifecycle import ContactMove as ContactMove
from carnet_contracts.lifecycle import DeleteAccountQuery as DeleteAccountQuery
from carnet_contracts.lifecycle import DeleteContactQuery as DeleteContactQuery
from carnet_contracts.lifecycle import RelationCreate as RelationCreate
from carnet_contracts.lifecycle import TrashQuery as TrashQuery
from carnet_gateway.schemas import page_of


class RelationRead(Contract):
    other_id = fields.String()
    other_name = fields.String()
    label = fields.String()
    created_at = fields.String()
    created_by = fields.String(allow_none=True)


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
        "description": "Records deleted with it (an account's contacts), restored with it: those the caller sees."})


TrashPage = page_of(TrashEntry, "TrashPage")


class RestoreResult(Contract):
    id = fields.String()
    record_type = fields.String()
    restored = fields.List(fields.Nested(Dependant), metadata={
        "description": "The records back from the trash that the caller sees (the others come back too)."})


class NamedRecord(Contract):
    id = fields.String()
    name = fields.String()


class DeletePreview(Contract):
    record_type = fields.String()
    id = fields.String()
    name = fields.String()
    contacts = fields.List(fields.Nested(NamedRecord), metadata={
        "description": "Accounts: the contacts deleted with it that the caller sees."})
    contacts_total = fields.Integer(metadata={
        "description": "Accounts: how many of `contacts` (only those the caller sees are counted)."})
    account_id = fields.String(allow_none=True, metadata={"description": "Contacts: its account, as its GET shows."})
    account_name = fields.String(allow_none=True, metadata={
        "description": "Contacts: its account's name; null when the caller cannot see that account (never named)."})
    offers_account_delete = fields.Boolean(metadata={
        "description": "Contacts: the last contact of its account; DELETE ?delete_account=true takes both."})
    # C-10 (opportunities area): asked of the opportunities service by contacts, with a timeout
    tasks = fields.List(fields.Dict(), metadata={
        "description": "Visible tasks hanging on the record (from the opportunities service): {id, type, status, "
                       "title, due_at, assignee_id}, without the fields the caller's role may not read (S-3, as "
                       "GET /tasks/{id}); absent when the role may not read tasks."})
    opportunities = fields.List(fields.Dict(), metadata={
        "description": "Visible opportunities hanging on the record: {id, title, probability, total, read_only}, "
                       "without the fields the caller's role may not read (S-3, as GET /opportunities/{id}); absent "
                       "when the role may not read opportunities."})
    opportunities_total = fields.Integer(metadata={
        "description": "How many opportunities hanging on it the caller sees (those they cannot see are not "
                       "counted); absent with `opportunities`."})
    tasks_total = fields.Integer(metadata={
        "description": "How many tasks hanging on it the caller sees (those they cannot see are not counted); "
                       "absent with `tasks`."})
    dependents_unavailable = fields.Boolean(metadata={
        "description": "True when the opportunities service did not answer: tasks and opportunities are unknown."})
    reattach_to = fields.String(allow_none=True, metadata={
        "description": "The account `dependents=reattach` moves the tasks and opportunities to: a contact's "
                       "account. Null for an account (nothing to reattach to) or a contact without one: they "
                       "stay, hidden with the deleted record, and come back with it."})
    dependents_choices = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "What each `dependents` choice of the DELETE would do here, in the caller's language: "
                       "{\"delete\": …, \"reattach\": …}."})


class DependentLeft(Contract):
    type = fields.String(metadata={"description": "opportunity or task"})
    id = fields.String()
    reason = fields.String(metadata={"description": "`read_only`: from an accounting system (O-7)."})
    detail = fields.String(metadata={"description": "The reason, in the caller's language."})


class DependentsOutcome(Contract):
    """What `dependents=delete` did (issue 10 §1): only what the caller sees and may delete goes; what they cannot
    see is never deleted, listed or counted."""
    opportunities_deleted = fields.List(fields.String(), metadata={
        "description": "Opportunities deleted with the records (back if they are restored)."})
    tasks_deleted = fields.List(fields.String(), metadata={
        "description": "Tasks deleted with the records (back if they are restored; their invitations cancelled)."})
    left = fields.List(fields.Nested(DependentLeft), metadata={
        "description": "Opportunities and tasks the caller sees that stay in place, each with why."})
    left_total = fields.Integer(metadata={"description": "How many of `left`."})
    note = fields.String(metadata={
        "description": "In the caller's language: where what stays goes (as with `dependents=reattach`)."})


class DeleteResult(Contract):
    """The answer to DELETE /contacts/{id} or /accounts/{id} with `dependents=delete` (otherwise 204)."""
    record_type = fields.String(metadata={"description": "contact or account"})
    id = fields.String()
    dependents = fields.Nested(DependentsOutcome)


class BulkResult(Contract):
    """The answer of POST /contacts/bulk and POST /accounts/bulk."""
    action = fields.String()
    matched = fields.Integer(metadata={"description": "Visible records selected."})
    changed = fields.Integer(metadata={"description": "Records actually copied, moved, removed or deleted."})
    not_found = fields.List(fields.String(), metadata={"description": "Requested ids absent or not visible."})
    not_in_source_list = fields.Integer(metadata={
        "description": "move_to_list, remove_from_list: selected but not in from_list_id."})
    kept_in_last_list = fields.Integer(metadata={
        "description": "Accounts, remove_from_list: kept in from_list_id, the only one of the caller's lists they "
                       "are in (move them instead)."})
    accounts_left_empty = fields.List(fields.String(), metadata={
        "description": "Contacts, delete: visible accounts left without contacts."})
    accounts_deleted = fields.List(fields.String(), metadata={
        "description": "Contacts, delete with delete_empty_accounts: the accounts deleted with them."})
    contacts_deleted = fields.List(fields.String(), metadata={
        "description": "Accounts, delete: their contacts the caller sees, deleted with them (the others go too, "
                       "unnamed; absent for a role that may not read contacts)."})
    dependents = fields.Nested(DependentsOutcome, metadata={"description": "delete with `dependents=delete`."})
