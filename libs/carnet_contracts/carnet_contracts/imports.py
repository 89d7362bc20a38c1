"""Imports of contacts or accounts from .xlsx (C-19): what ``/api/v1/imports`` takes and the contacts service
loads again (docs/rules/contacts.md, C-19)."""
from marshmallow import ValidationError, fields, validate, validates_schema

from carnet_common.contracts import Contract, StrictBoolean
from carnet_contracts.records import list_ids_field

RECORD_TYPES = ("contact", "account")
MODES = ("create", "update")
KEYS = ("email", "id")


class ImportStart(Contract):
    record_type = fields.String(required=True, validate=validate.OneOf(RECORD_TYPES), metadata={
        "description": "What each row is: `contact` or `account` (one kind per file)."})
    filename = fields.String(required=True, validate=validate.Length(min=1, max=255))


class ImportChunk(Contract):
    seq = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    data = fields.String(required=True, validate=validate.Length(max=2 * 1024 * 1024))


class ImportOptions(Contract):
    """The choices of a dry run or an import: which field each column fills (by column letter; a column left out
    or mapped to null is not read), the lists every new record goes to, and create or update mode."""
    mapping = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[A-Z]{1,3}$")),
                          values=fields.String(allow_none=True, validate=validate.Length(max=80)),
                          required=True, validate=validate.Length(min=1, max=16_384), metadata={
                              "example": {"A": "first_name", "B": "last_name", "C": "email", "D": "custom.number"}})
    list_ids = list_ids_field(required=True, metadata={"description": "The lists every record created goes to."})
    mode = fields.String(load_default="create", validate=validate.OneOf(MODES), metadata={
        "description": "`create` (default): every row a new record; `update`: the row's `key` picks the record "
                       "to update, a new one when none has it (unless `create_missing` is false)."})
    key = fields.String(allow_none=True, validate=validate.Length(max=80), metadata={
        "description": "In update mode: `email`, `id`, or a custom field `custom.<key>` (e.g. a customer "
                       "number); it must be mapped. A key matching several records is that row's error."})
    create_missing = StrictBoolean(load_default=True)
    create_duplicates = StrictBoolean(load_default=False, metadata={
        "description": "Create a row that probably duplicates a record (same email, or same account name) "
                       "instead of skipping it (it is reported either way)."})
    language = fields.String(validate=validate.OneOf(("en", "fr")), metadata={
        "description": "The language of the row errors (their report and file); by default the request's."})

    @validates_schema
    def _key(self, data, **kwargs):
        if data.get("mode") == "update":
            key = data.get("key")
            if not key or not (key in KEYS or key.startswith("custom.")):
                raise ValidationError("import_key_required", "key")

