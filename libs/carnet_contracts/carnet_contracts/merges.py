"""Merges of duplicates (C-20 merge and undo): what ``/api/v1`` takes and the contacts service loads again
(carnet_contacts/merges/)."""
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from carnet_common.contracts import Contract, identifier
from carnet_contracts.values import PageQuery

RECORD_TYPES = ("contact", "account")
MAX_CHOICES = 200  # more than the standard fields and the 70 custom fields of a module (C-14)


def _record_type(**kwargs):
    return fields.String(validate=validate.OneOf(RECORD_TYPES), metadata={
        "description": "`contact` or `account`: both records are of this kind."}, **kwargs)


class _Pair(Contract):
    record_type = _record_type(required=True)
    winner_id = identifier(required=True, metadata={"description": "The record that stays (keeps its id)."})
    loser_id = identifier(required=True, metadata={
        "description": "The record merged into it: it leaves the active records (its GET answers 404)."})


class MergePreviewQuery(_Pair):
    """The two records of a dry run."""


class MergeCreate(_Pair):
    winner_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "The winner's `version` as read (409 `version_conflict` when it changed since)."})
    loser_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1), metadata={
        "description": "The loser's `version` as read (409 `version_conflict` when it changed since)."})
    choices = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=80)),
                          values=fields.String(validate=validate.Length(min=1, max=40)), load_default=dict,
                          metadata={"description": "Per field (`title`, `custom.<key>`), where its value comes "
                                                   "from: one of the field's `sources` in the preview (`winner`, "
                                                   "`loser`, or for a contact's phone slots `loser:<field>`). "
                                                   "Fields left out take the preview's `proposed` source."})

    @validates("choices")
    def _bounded(self, value, **kwargs):
        if len(value) > MAX_CHOICES:
            raise ValidationError("too_many_choices")

    @validates_schema
    def _two_records(self, data, **kwargs):
        if data.get("winner_id") is not None and data.get("winner_id") == data.get("loser_id"):
            raise ValidationError("merge_with_itself", "loser_id")


class MergeQuery(PageQuery):
    record_type = _record_type()
