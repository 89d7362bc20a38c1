"""HTTP shapes of exports (C-18) and jobs (N-4). The export query routes load and forward is
``carnet_contracts.exports.ExportQuery``, the search query without paging."""
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_contracts.exports import ExportQuery as ExportQuery


class JobStarted(Contract):
    job_id = fields.String(required=True, metadata={
        "example": "opportunities:7d0c…", "description": "Names the service that runs the job (N-4)."})
    status_url = fields.String(required=True, metadata={"example": "/api/v1/jobs/opportunities:7d0c…"})


class JobRead(Contract):
    id = fields.String()
    kind = fields.String(metadata={"example": "export_contacts",
                                   "description": "export_contacts, export_accounts or export_opportunities"})
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    progress = fields.Integer(metadata={"description": "0 to 100"})
    errors = fields.List(fields.String(), metadata={"description": "Why the job failed, in the caller's language."})
    download_url = fields.String(allow_none=True, metadata={"description": "Set once the job is done."})
    filename = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
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
