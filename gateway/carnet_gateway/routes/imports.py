"""Imports of contacts or accounts from .xlsx (C-19, N-1, N-4), served by the contacts service
(``carnet_contacts/imports/``).

- ``POST /imports``: a multipart body with the file (``file``) and what its rows are (``record_type``), declared as
  the route's ``Upload`` (``UPLOAD``, api.py): the caller is refused before the body is read unless their role
  writes contacts or accounts, then the gateway caps the body at ``IMPORT_MAX_BYTES`` (413), spools it to disk as
  werkzeug parses it, checks the record type's write permission, and sends the file to the service
  in 768 KiB chunks, stored in PostgreSQL, so that any replica serves the next steps; the service then checks the
  archive (415 for an .xls, a CSV or a Numbers file; 422 for a password-protected, corrupt or zip-bomb workbook, or
  too many rows) and answers the columns with a proposed mapping (201).
- ``POST /imports/{id}/dry-run`` and ``/run`` take the options (mapping, lists, mode and key) and start a job
  (202, ``GET /jobs/{id}``: status, progress, counts, first row errors; the error file is its download). The mapped
  fields must be writable by the caller's role (S-3: 403 naming the field), and an update key readable (matching
  on it would tell its values); the module's write permission is needed (the record type is the import's, known
  once it is read: checked then).
- ``POST /imports/{id}/revert``: a job that trashes what the import created and reverses its updates.
- Only the uploader sees an import (anyone else, another organization included: 404).
"""
import base64

from flask import Response, json
from marshmallow import fields, validate

from carnet_common.contracts import Contract
from carnet_common.errors import InvalidInput
from carnet_contracts import permissions
from carnet_gateway import actors, auth, messages, problems, services
from carnet_gateway.api import READ_ERRORS, WRITE_ERRORS, Need, UnsupportedMediaType, Upload, When, api
from carnet_gateway.routes.exports import job_started
from carnet_gateway.schemas import exports as es
from carnet_gateway.schemas import imports as s

TAGS = ("imports",)
MODULES = {"contact": "contacts", "account": "accounts"}
CHUNK_BYTES = 768 * 1024   # base64 of it fits an RPC message comfortably
FORM_MARGIN = 64 * 1024    # the multipart envelope and the record_type field beside the file
# The service's refusals of a file that is no .xlsx at all (archive.py): 415, the others 422.
UNSUPPORTED = ("import_xls", "import_not_xlsx")
BY_TYPE = [Need(module, "write", When(f"the import's `record_type` is `{kind}`"))
           for kind, module in MODULES.items()]


class UploadParts(Contract):
    """The text part beside the workbook."""
    record_type = fields.String(required=True, validate=validate.OneOf(list(MODULES)),
                                metadata={"description": "What the rows are: contacts or accounts."})


def _writes_a_module(principal):
    """Before the body is read: a role that writes neither contacts nor accounts has nothing to import (403)."""
    if not any(permissions.may(principal, module, "write") for module in MODULES.values()):
        auth.require(principal, "contacts", "write")


UPLOAD = Upload(
    max_bytes=lambda settings: settings.import_max_bytes, form=UploadParts, margin=FORM_MARGIN, max_parts=10,
    before=_writes_a_module, description="The .xlsx workbook, at most IMPORT_MAX_BYTES (413 past it).",
    not_multipart="import_not_multipart", too_large="import_too_large", file_missing="import_file_missing",
    file_missing_code="import_file_missing")
# The record type's write permission, once the form is read (the dry run, run and revert have it from the import).
UPLOAD_NEEDS = [Need(module, "write", When(f"`record_type` is `{kind}`",
                                           lambda call, kind=kind: call.body["record_type"] == kind))
                for kind, module in MODULES.items()]


def _import_read(principal, read):
    """The service's read, with the header problems in the caller's language; fields the role may not write are
    not offered."""
    language = problems.language()
    module = MODULES[read["record_type"]]
    for problem in read["problems"]:
        problem["message"] = messages.render(problem["code"], language, problem)
    read["fields_available"] = [f for f in read.get("fields_available", [])
                                if f == "id" or permissions.may_field(principal, module, f, "write")]
    return read


def _refusal(exc):
    """The service's refusal of a file: a 415 when it is not an .xlsx at all, else as it came."""
    if exc.code in UNSUPPORTED:
        return UnsupportedMediaType(exc.code, errors=exc.errors, params=exc.params)
    return exc


@api.route("/imports", "POST", response=s.ImportRead, status=201, tags=TAGS, errors=WRITE_ERRORS,
           permission=UPLOAD_NEEDS, upload=UPLOAD,
           summary="Upload an .xlsx of contacts or accounts (C-19): its columns with a proposed mapping; 415 for "
                   "an .xls, CSV or Numbers file, 422 for a password-protected, corrupt or oversized workbook or "
                   "too many rows (IMPORT_MAX_ROWS), 413 above IMPORT_MAX_BYTES")
def upload(call):
    file, record_type = call.body["file"], call.body["record_type"]  # read and checked by ``api.prepare``
    actor = call.actor(actors.CONTACTS)
    created = services.contacts.call("start_import", actor, {"record_type": record_type,
                                                             "filename": file.filename or "import.xlsx"})
    seq = 0
    while data := file.stream.read(CHUNK_BYTES):
        services.contacts.call("add_import_chunk", actor, created["id"],
                               {"seq": seq, "data": base64.b64encode(data).decode("ascii")})
        seq += 1
    try:
        read = services.contacts.call("finish_import", actor, created["id"])
    except InvalidInput as exc:
        raise _refusal(exc) from None
    body = s.ImportRead().dump(_import_read(call.principal, read))
    return Response(json.dumps(body, ensure_ascii=False), status=201, mimetype="application/json",
                    headers={"Location": f"/api/v1/imports/{read['id']}"})


def _read(call):
    return services.contacts.call("get_import", call.actor(actors.CONTACTS), call.path["import_id"])


@api.route("/imports/{import_id}", "GET", response=s.ImportRead, tags=TAGS, errors=READ_ERRORS,
           summary="One of the caller's imports: its columns, proposal, header problems, state and runs")
def get_import(call):
    return _import_read(call.principal, _read(call))


def _start(call, method):
    read = _read(call)
    module = MODULES[read["record_type"]]
    auth.require(call.principal, module, "write")
    options = {**call.body, "language": call.body.get("language") or problems.language()}
    mapped = [field for field in options["mapping"].values() if field and field != "id"]
    permissions.refuse_unwritable(call.principal, module, mapped)
    key = options.get("key") if options.get("mode") == "update" else None
    if key and key != "id":
        permissions.refuse_unreadable(call.principal, module, {"key": [key]})
    result = services.contacts.call(method, call.actor(actors.CONTACTS), read["id"], options)
    return job_started(result["job_id"])


@api.route("/imports/{import_id}/dry-run", "POST", body=s.ImportOptions, response=es.JobStarted, status=202,
           tags=TAGS, errors=WRITE_ERRORS + (429,), permission=BY_TYPE,
           summary="Check every row with the options (mapping, lists, mode, key) without writing: a job whose "
                   "result lists each bad row (number, field, reason) and each probable duplicate")
def dry_run(call):
    return _start(call, "dry_run_import")


@api.route("/imports/{import_id}/run", "POST", body=s.ImportOptions, response=es.JobStarted, status=202,
           tags=TAGS, errors=WRITE_ERRORS + (429,), permission=BY_TYPE,
           summary="Import the rows as a job (progress and counts at GET /jobs/{id}, bad rows in its file); a bad "
                   "row never stops the others; once per upload (409 after)")
def run(call):
    return _start(call, "run_import")


@api.route("/imports/{import_id}/revert", "POST", response=es.JobStarted, status=202, tags=TAGS,
           errors=WRITE_ERRORS + (429,), permission=BY_TYPE,
           summary="Revert a finished import as a job: what it created goes to the trash, its updates are reversed "
                   "unless the record changed since (reported, not overwritten); 409 unless it finished")
def revert(call):
    read = _read(call)
    auth.require(call.principal, MODULES[read["record_type"]], "write")
    result = services.contacts.call("revert_import", call.actor(actors.CONTACTS), read["id"], problems.language())
    return job_started(result["job_id"])
