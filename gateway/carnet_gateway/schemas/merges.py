"""HTTP shapes of merges (C-20 merge and undo): what the gateway answers. The bodies and queries routes load and
forward are ``carnet_contracts.merges``', the contracts the contacts service loads again; ``MergePreviewQuery`` and
``MergeCreate`` here load exactly as they do, and document what the service checks beyond JSON Schema's reach
(issue 10 §5): the two ids differ (422 ``merge_with_itself``, stated in words as the bulk move's two lists are), and
each choice is one of the sources a field can take (``carnet_contacts/merges/fields.py``: ``sources_for``)."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, identifier
from carnet_contracts import merges as contracts
from carnet_contracts.merges import MergeQuery as MergeQuery
from carnet_gateway.schemas import page_of

LOSER = "The record merged into it, not the winner (422 `merge_with_itself`): it leaves the active records (its GET " \
        "answers 404)."
PHONE_SLOTS = ("phone", "mobile", "other_phone")
SOURCES = ("winner", "loser", *(f"{side}:{slot}" for side in ("winner", "loser") for slot in PHONE_SLOTS))


class MergePreviewQuery(contracts.MergePreviewQuery):
    loser_id = identifier(required=True, metadata={"description": LOSER})


class MergeCreate(contracts.MergeCreate):
    loser_id = identifier(required=True, metadata={"description": LOSER})
    choices = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=80)),
                          values=fields.String(validate=validate.Length(min=1, max=40),
                                               metadata={"enum": list(SOURCES)}),
                          load_default=dict,
                          metadata={"description": "Per field (`title`, `custom.<key>`), where its value comes "
                                                   "from: one of the field's `sources` in the preview (`winner`, "
                                                   "`loser`, or for a contact's phone slots `<side>:<slot>`, "
                                                   "another slot's number; 422 `invalid_source` for another). "
                                                   "Fields left out take the preview's `proposed` source."})


class MergeSide(Contract):
    id = fields.String()
    name = fields.String(metadata={"description": "Left out when the caller may not read the name's fields."})
    version = fields.Integer(metadata={"description": "Send it back as `winner_version`/`loser_version`."})
    updated_at = fields.String()


class MergeField(Contract):
    field = fields.String(metadata={"description": "A field of the record (`title`) or a custom field "
                                                   "(`custom.<key>`); only those the caller may read."})
    winner = fields.Raw(allow_none=True, metadata={"description": "The winner's value."})
    loser = fields.Raw(allow_none=True, metadata={"description": "The loser's value."})
    proposed = fields.String(metadata={"description": "Where the merged value comes from unless chosen otherwise: "
                                                      "one of `sources`."})
    proposed_value = fields.Raw(allow_none=True, metadata={"description": "The value the winner would hold."})
    sources = fields.List(fields.String(), metadata={
        "description": "What `choices` may say for this field: `winner`, `loser`, and for a contact's phone slots "
                       "`winner:<field>`/`loser:<field>` (another slot's number, so that both are kept)."})
    locked = fields.Boolean(metadata={"description": "The caller may not write it: it keeps the winner's value."})


class MergeMoves(Contract):
    list_ids = fields.List(fields.String(), metadata={"description": "Lists the winner joins (those the caller "
                                                                     "may access)."})
    lists = fields.Integer()
    relations = fields.Integer(metadata={"description": "Contacts: the loser's relations re-pointed to the winner "
                                                        "(with contacts the caller sees)."})
    contacts = fields.Integer(metadata={"description": "Accounts: the loser's contacts that move (those the "
                                                       "caller sees)."})
    opportunities = fields.Integer(metadata={"description": "Those the caller sees; left out for a role that may "
                                                            "not read opportunities."})
    tasks = fields.Integer(metadata={"description": "Those the caller sees; left out for a role that may not read "
                                                    "tasks."})
    history = fields.Integer(metadata={"description": "History entries moved to the winner."})
    documents = fields.Integer(metadata={"description": "Attached documents the caller sees; left out for a role "
                                                        "that may not read documents."})


class MergePreview(Contract):
    record_type = fields.String()
    winner = fields.Nested(MergeSide)
    loser = fields.Nested(MergeSide)
    fields_ = fields.List(fields.Nested(MergeField), data_key="fields", attribute="fields")
    moves = fields.Nested(MergeMoves)
    undo_days = fields.Integer(metadata={"description": "How long the merge can be undone."})


class MergeRead(Contract):
    id = fields.String()
    record_type = fields.String()
    winner_id = fields.String()
    loser_id = fields.String(metadata={"description": "Merged away: its GET answers 404 until the merge is undone."})
    winner_name = fields.String()
    loser_name = fields.String()
    merged_by = fields.String(allow_none=True)
    merged_at = fields.String()
    undo_until = fields.String(metadata={"description": "merged_at + 30 days: the undo's deadline."})
    undone_at = fields.String(allow_none=True)
    undone_by = fields.String(allow_none=True)
    can_undo = fields.Boolean()


MergePage = page_of(MergeRead, "MergePage")
