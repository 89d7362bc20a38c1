"""HTTP shapes of lists, contacts and accounts (docs/rules/contacts.md, docs/rules/http-api.md): what the gateway
answers. The bodies and queries routes load and forward are ``carnet_contracts.records`` and
``carnet_contracts.lists``', the contracts the contacts service loads again."""
import copy

from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.lists import GrantsBody as GrantsBody
from carnet_contracts.lists import ListCreate as ListCreate
from carnet_contracts.lists import ListUpdate as ListUpdate
from carnet_contracts.lists import SelectedListsBody as SelectedListsBody
from carnet_contracts.records import AccountContactCreate as AccountContactCreate
from carnet_contracts.records import AccountCreate as AccountCreate
from carnet_contracts.records import AccountUpdate as AccountUpdate
from carnet_contracts.records import ContactCreate as ContactCreate
from carnet_contracts.records import ContactUpdate as ContactUpdate
from carnet_contracts.records import ListIdsBody as ListIdsBody
from carnet_contracts.records import RecordQuery as _RecordQuery
from carnet_contracts.records import contact_fields, record_fields
from carnet_gateway.schemas import page_of

# Fields every reader gets whatever the role's field permissions (S-3 hides data fields only).
ALWAYS_READABLE = ("id", "version", "list_ids", "created_at", "updated_at")
Q_PERMISSIONS = (
    " A prefix over a field the caller's role may not read (S-3: `p:` phone, mobile, fax, other_phone; `t:` title; "
    "`e:` email; `r1:`/`r2:` rep1_id/rep2_id; `c:`/`a:` city/street, and on contacts account.city/account.street) "
    "is a 403 `field_not_readable` naming the field; plain terms skip the fields it may not read. On a contact, "
    "`c:`/`a:` match the city/street of an account the caller can see, or the contact's own when it has no "
    "account (issue 10 §1).")


def _documented(field, note):
    """``field`` (a contract's, loaded exactly as the service loads it) with ``note`` added to its description."""
    documented = copy.copy(field)
    documented.metadata = {**field.metadata, "description": field.metadata["description"] + note}
    return documented


class RecordQuery(_RecordQuery):
    """A search of contacts or accounts (C-11, C-12, C-15), as the contract loads it; the OpenAPI document says
    what field permissions make of ``q``. Documentation only: the rules are the contract's
    (tests/contract/test_shared_contracts.py ``DOCUMENTED_AGAIN``)."""
    q = _documented(_RecordQuery._declared_fields["q"], Q_PERMISSIONS)


def _read_fields(write_fields):
    dumped = dict(write_fields)
    dumped.update(id=fields.String(), list_ids=fields.List(fields.String()), version=fields.Integer(),
                  custom=fields.Dict(), created_at=fields.String(), updated_at=fields.String())
    return dumped


ContactRead = type("ContactRead", (Contract,), {
    **_read_fields(contact_fields()), "account_name": fields.String(allow_none=True),
    "is_primary": fields.Boolean()})


def _page(item_schema, name):
    return type(name, (page_of(item_schema, name + "Base"),), {"total_capped": fields.Boolean(metadata={
        "description": "True when more than 10,000 records match: `total` is then the planner's estimate."})})


ContactPage = _page(ContactRead, "ContactPage")
AccountRead = type("AccountRead", (Contract,), {**_read_fields(record_fields()), "name": fields.String()})
AccountPage = _page(AccountRead, "AccountPage")


class ListRead(Contract):
    id = fields.String()
    name = fields.String()
    access_all_users = fields.Boolean()
    private = fields.Boolean()
    created_by = fields.String()
    selected = fields.Boolean()
    created_at = fields.String()
    updated_at = fields.String()


class HistoryEntry(Contract):
    id = fields.String()
    at = fields.String()
    user_id = fields.String(allow_none=True)
    field = fields.String(metadata={"description": "A field name, or created / deleted / list_ids / restored / "
                                                   "relation_added / relation_removed."})
    old = fields.Raw(allow_none=True, metadata={
        "description": "A relation's `{label, other_id, other_hidden}`: `other_id` is null, with `other_hidden` "
                       "true, when the viewer cannot see that contact (issue 10 §1, C-5)."})
    new = fields.Raw(allow_none=True, metadata={"description": "As `old`."})
    old_hidden = fields.Boolean(metadata={
        "description": "`account_id` entries (a move, C-7): true when `old` is left out (null) because it names an "
                       "account the viewer cannot see."})
    new_hidden = fields.Boolean(metadata={"description": "As `old_hidden`, for `new`."})
