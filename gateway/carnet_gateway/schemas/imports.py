"""HTTP shapes of imports (C-19). The options routes load and forward are ``carnet_contracts.imports``'s.

``ImportOptions._key`` (update mode needs a key: ``email``, ``id`` or ``custom.<key>``) is a rule across fields:
``KEY_RULE`` states it in JSON Schema words, registered here with the other contracts' rules (``schemas.rules``,
merged into the document by ``openapi.build_spec``), so that the document calls valid only options the server takes
(issue 10 §5; tests/api_fuzz/test_document_rules.py checks both agree)."""
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_contracts import imports as contracts
from carnet_contracts.imports import KEYS
from carnet_gateway.schemas import rules

# _key: in update mode, ``key`` is one of KEYS or starts with ``custom.``
KEY_RULE = {"allOf": [{
    "if": {"required": ["mode"], "properties": {"mode": {"const": "update"}}},
    "then": {"required": ["key"], "properties": {"key": {
        "type": "string", "pattern": "^(?:" + "|".join(KEYS) + r"|custom\.[\s\S]*)$"}}}}]}
rules.RULES.setdefault(contracts.ImportOptions, KEY_RULE)


class ImportOptions(contracts.ImportOptions):
    """The contract (loaded as it is), its mapping's rules documented: those the service checks against the stored
    import (carnet_contacts/imports/usecases.py ``_mapping``) in words, at least one field mapped in JSON Schema."""
    mapping = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[A-Z]{1,3}$")),
        values=fields.String(allow_none=True, validate=validate.Length(max=80)),
        required=True, validate=validate.Length(min=1, max=16_384), metadata={
            "example": {"A": "first_name", "B": "last_name", "C": "email", "D": "custom.number"},
            "description": "Column letter -> field. Each letter is a column of the import (its `columns`: 422 "
                           "`import_unknown_column`), each field one of its `fields_available` (422 "
                           "`import_unknown_field`), filled by one column only (422 `import_field_twice`); null or "
                           "empty: the column is not read, and at least one column is (422 `import_nothing_mapped`).",
            "not": {"additionalProperties": {"enum": [None, ""]}}})


class ImportColumn(Contract):
    column = fields.String(metadata={"example": "C", "description": "The column's letter."})
    header = fields.String(metadata={"example": "Courriel"})
    proposed = fields.String(allow_none=True, metadata={
        "example": "email", "description": "The field proposed for it (a standard field, `custom.<key>`), or null."})


class ImportProblem(Contract):
    code = fields.String(metadata={"description": "import_header_empty or import_header_duplicate"})
    column = fields.String()
    header = fields.String()
    first = fields.String(metadata={"description": "For a duplicate: the column that has the header first."})
    message = fields.String(metadata={"description": "In the caller's language."})


class ImportRun(Contract):
    job_id = fields.String()
    kind = fields.String(metadata={"description": "import_dry_run, import_run or import_revert"})
    processed = fields.Integer()
    total = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    skipped = fields.Integer()
    failed = fields.Integer()
    duplicates = fields.Integer()
    trashed = fields.Integer()
    restored = fields.Integer()
    conflicts = fields.Integer()


class ImportRead(Contract):
    id = fields.String()
    record_type = fields.String(metadata={"description": "contact or account"})
    filename = fields.String()
    size = fields.Integer()
    state = fields.String(metadata={"description": "ready, importing, imported, reverting or reverted"})
    columns = fields.List(fields.Nested(ImportColumn))
    problems = fields.List(fields.Nested(ImportProblem))
    rows = fields.Integer(allow_none=True, metadata={"description": "Rows below the header, as the sheet says."})
    options = fields.Dict(allow_none=True, metadata={"description": "The choices of the last dry run or import."})
    fields_available = fields.List(fields.String(), metadata={
        "description": "What a column may be mapped to (standard fields, `custom.<key>`)."})
    runs = fields.List(fields.Nested(ImportRun), metadata={"description": "Its jobs, latest first."})
    created_at = fields.String()
