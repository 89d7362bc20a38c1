"""Exports of contacts and accounts to .xlsx (C-18), served by the contacts service, and background jobs (N-4)
of any service.

An export holds exactly what the caller's search selects; the columns the role may not read (S-3) are
left out: the gateway tells the service which fields are readable, the service reads only those. Up to
``EXPORT_SYNC_MAX_ROWS`` (5,000) rows the file is the response; above, ``202 {job_id}`` and the client polls
``GET /jobs/{id}``, then downloads the file, streamed chunk by chunk from the service (stored in its
database, so any gateway pod can serve any job). A job is refused (429 with ``Retry-After``) past the caps on
queued jobs per user and per organization, and checked against its owner's authority of now when it runs.
Opportunities exports (O-6, routes/opportunities.py) answer the same way. A job id names the service that owns
it (``opportunities:<uuid>``; ids without a prefix are contacts'), so each call is one RPC to that service.
"""
import base64

from flask import Response, json, stream_with_context

from carnet_common.errors import Conflict, NotFound
from carnet_common.jobs import owner_of
from carnet_contracts import permissions
from carnet_gateway import actors, auth, messages, problems, records, services
from carnet_gateway.api import Need, When, api
from carnet_gateway.records import readable_fields, unreadable_keys
from carnet_gateway.schemas import exports as s

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_MODULES = {"export_contacts": "contacts", "export_accounts": "accounts",
                "export_opportunities": "opportunities"}
JOB_SERVICES = ("contacts", "opportunities")
JOBS = ("jobs",)


def attachment(body, filename, **headers):
    """The file as a download that no cache keeps."""
    return Response(body, mimetype=MIME, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store", **headers})


def job_started(job_id):
    """``202 {job_id, status_url}`` with ``Location``: the export runs as a background job (N-4)."""
    status_url = f"/api/v1/jobs/{job_id}"
    body = s.JobStarted().dump({"job_id": job_id, "status_url": status_url})
    return Response(json.dumps(body), status=202, mimetype="application/json", headers={"Location": status_url})


def _export(call, record):
    principal, module = call.principal, record.module
    request = {"record_type": record.kind, "query": call.query,
               "record_fields": readable_fields(principal, module),
               "account_fields": readable_fields(principal, "accounts") if record.with_account else [],
               "denied_custom": permissions.denied_custom(principal, module), "unreadable": unreadable_keys(principal),
               "language": problems.language()}
    result = services.contacts.call("export_records", call.actor(actors.CONTACTS), request)
    if "job_id" in result:
        return job_started(result["job_id"])
    return attachment(base64.b64decode(result["content"]), result["filename"], **{"X-Export-Rows": result["rows"]})


FILE = {"content": {MIME: {"schema": {"type": "string", "format": "binary"}}}}
# 429 beside the per-user request limit: a job would pass the caps on queued jobs (N-4, issue 10 §2).
EXPORT_RESPONSES = {200: {"description": "The file, up to EXPORT_SYNC_MAX_ROWS (5,000) rows", **FILE}}
EXPORT_ERRORS = (401, 403, 422, 429)


def _export_route(record):
    # The export holds the rows a search returns: it needs the module's read permission as well.
    @api.route(f"/{record.module}/export.xlsx", "GET", query=s.ExportQuery,
               permission=[(record.module, "export"), (record.module, "read")], response=s.JobStarted, status=202,
               tags=(record.module,), errors=EXPORT_ERRORS + (404,),  # 404: a filter_id not of the caller's
               extra_responses=EXPORT_RESPONSES,
               name=f"export_{record.module}",
               summary=f"Export the {record.module} the search selects to .xlsx{record.export_note} (C-18); 202 and "
                       "a job above 5,000 rows; 429 when the caller has 5 jobs waiting or running "
                       "(EXPORT_JOBS_PER_USER, code `export_jobs_per_user`) or their organization 20 "
                       "(EXPORT_JOBS_PER_ORG, `export_jobs_per_org`)")
    def export(call):
        return _export(call, record)


for _record in records.RECORDS:
    _export_route(_record)


def job_service(job_id):
    """The service that owns ``job_id`` (named by its prefix); NotFound for one no service owns."""
    service = owner_of(job_id)
    if service not in JOB_SERVICES:
        raise NotFound()
    return service


def _job_rpc(call, method, *args):
    job_id = call.path["job_id"]
    return services.Service(job_service(job_id)).call(method, call.actor(actors.JOBS), job_id, *args)


def has_file(job):
    """Whether the job is done with a file to download: a job whose work names no file (an automation run, whose
    result is the automation's ``last_run``) has ``filename`` null (the job store's
    ``store_file`` in carnet_common/jobs.py)."""
    return job["status"] == "done" and job.get("filename") is not None


@api.route("/jobs/{job_id}", "GET", response=s.JobRead, tags=JOBS, errors=(401, 404),
           summary="A background job of the caller's (N-4): status, progress, errors in the words of its kind, "
                   "download link once done when the job has a file (null for a kind without one: an automation "
                   "run)")
def get_job(call):
    job = _job_rpc(call, "get_job")
    language = problems.language()
    job["errors"] = [messages.render(code, language) for code in job["errors"]]
    job["download_url"] = f"/api/v1/jobs/{job['id']}/download" if has_file(job) else None
    return job


@api.route("/jobs/{job_id}/download", "GET", tags=JOBS, errors=(401, 403, 404, 409),
           permission=[Need(module, "export", When(f"the job's kind is `{kind}` (checked once the job is read)"))
                       for kind, module in KIND_MODULES.items()],
           extra_responses={200: {"description": "The .xlsx file", **FILE}},
           summary="The file a finished job produced (its owner only); 409 until it is done; 404 `job_no_file` "
                   "for a job that produces none (an automation run)")
def download_job(call):
    # The module whose export permission applies is the job's kind, known only once the job is read (a
    # contacts job id names the service, not whether it exports contacts or accounts).
    job = _job_rpc(call, "get_job")
    if job["kind"] in KIND_MODULES:
        auth.require(call.principal, KIND_MODULES[job["kind"]], "export")
    if job["status"] != "done":
        raise Conflict("job_not_ready")
    if not has_file(job):
        raise NotFound("job_no_file")
    # the body is streamed after the view returns: the request context is kept for it (the RPC client, the
    # request id of the actor)
    service, caller, job_id = services.Service(job_service(job["id"])), call.actor(actors.JOBS), job["id"]

    def chunks():
        for seq in range(job["chunks"]):
            yield base64.b64decode(service.call("read_job_chunk", caller, job_id, seq)["data"])

    return attachment(stream_with_context(chunks()), job["filename"], **{"Content-Length": job["size"]})
