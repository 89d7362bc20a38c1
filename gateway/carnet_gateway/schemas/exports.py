"""HTTP shapes of exports (C-18) and jobs (N-4). The export query routes load and forward is
``carnet_contracts.exports.ExportQuery``, the search query without paging."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.exports import ExportQuery as ExportQuery

# Every kind of job ``GET /jobs/{id}`` may answer (the services' ``job_work`` keys).
KINDS = ("export_contacts", "export_accounts", "export_opportunities", "import_dry_run", "import_run",
         "import_revert", "automation_run")


class JobStarted(Contract):
    job_id = fields.String(required=True, metadata={
        "example": "opportunities:7d0c…", "description": "Names the service that runs the job (N-4)."})
    status_url = fields.String(required=True, metadata={"example": "/api/v1/jobs/opportunities:7d0c…"})


class JobRead(Contract):
    id = fields.String()
    kind = fields.String(metadata={"example": "export_contacts", "enum": list(KINDS), "description": (
        "What the job does: export_contacts, export_accounts (C-18), export_opportunities (O-6); import_dry_run, "
        "import_run, import_revert (C-19); automation_run (AU-1).")})
    status = fields.String(metadata={"enum": ["queued", "running", "done", "failed"],
                                     "description": "queued, running, done or failed"})
    progress = fields.Integer(metadata={"description": "0 to 100"})
    errors = fields.List(fields.String(), metadata={
        "description": "Why the job failed or was not run, in the caller's language and in the words of its kind "
                       "(an export's, an import's, an automation's)."})
    download_url = fields.String(allow_none=True, metadata={
        "description": "Always present: the file's address once the job is done, null before, after a failure, and "
                       "always for a job that produces no file (automation_run: its result is the automation's "
                       "`last_run`)."})
    filename = fields.String(allow_none=True, metadata={"description": "The file's name once done; null without one."})
    size = fields.Integer(allow_none=True, metadata={"description": "The file's size in bytes; null without one."})
    created_at = fields.String()
    updated_at = fields.String()
    # Jobs of imports (C-19) add their counts and first row errors (schemas/imports.py).
    import_id = fields.String(metadata={"description": "Jobs of imports only: the import they run."})
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Jobs of imports only: processed, total, created, updated, skipped, failed, duplicates "
                       "(a revert: trashed, restored, conflicts)."})
    row_errors = fields.List(fields.Dict(), metadata={
        "description": "Jobs of imports only: the first 100 row errors {row, field, code, message}; all of them "
                       "are in the downloadable file."})
    duplicates = fields.List(fields.Dict(), metadata={
        "description": "Jobs of imports only: the first 100 probable duplicates {row, record_ids}."})
