"""HTTP shapes of imports (C-19). The options routes load and forward are ``carnet_contracts.imports``'s."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.imports import ImportOptions as ImportOptions


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
