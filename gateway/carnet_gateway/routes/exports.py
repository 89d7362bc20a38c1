"""Exports of contacts and accounts to .xlsx (C-18), served by the contacts service, and background jobs (N-4)
of any service.

An export holds exactly what the caller's search selects; the columns the role may not read (S-3) are
left out: the gateway tells the service which fields are readable, the service reads only those. Up to
``EXPORT_SYNC_MAX_ROWS`` (5,000) rows the file is the response; above, ``202 {job_id}`` and the client polls
``GET /jobs/{id}``, then downloads the file, streamed chunk by chunk from the service (stored in its
database, so any gateway pod can serve any job). Opportunities exports (O-6, routes/opportunities.py) answer
the same way. A job id names the service that owns it (``opportunities:<uuid>``; ids without a prefix are
contacts'), so each call is one RPC to that service.
"""
import base64

from flask import Response, current_app, json

from carnet_common.errors import Conflict, Forbidden, NotFound
from carnet_common.jobs import owner_of
from carnet_gateway import auth, messages, problems
from carnet_gateway.api import api
from carnet_gateway.routes.contacts import actor, readable, unreadable_keys
from carnet_gateway.schemas import contacts as cs
from carnet_gateway.schemas import exports as s

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MODULES = {"contact": "contacts", "account": "accounts"}
KIND_MODULES = {"export_contacts": "contacts", "export_accounts": "accounts",
                "export_opportunities": "opportunities"}
JOB_SERVICES = ("contacts", "opportunities")
JOBS = ("jobs",)


def rpc(method, *args):
    return current_app.extensions["carnet.rpc"].call("contacts", method, *args)


def readable_fields(principal, module):
    """The record fields ``principal`` may read, by the same rule as every other response."""
    schema = cs.ContactRead if module == "contacts" else cs.AccountRead
    return sorted(readable(principal, module, dict.fromkeys(schema._declared_fields)))


def attachment(body, filename, **headers):
    """The file as a download that no cache keeps."""
    return Response(body, mimetype=MIME, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store", **headers})


def job_started(job_id):
    """``202 {job_id, status_url}`` with ``Location``: the export runs as a background job (N-4)."""
    status_url = f"/api/v1/jobs/{job_id}"
    body = s.JobStarted().dump({"job_id": job_id, "status_url": status_url})
    return Response(json.dumps(body), status=202, mimetype="application/json", headers={"Location": status_url})


def _export(call, record_type):
    principal, module = call.principal, MODULES[record_type]
    if not auth.may(principal, module, "read"):
        raise Forbidden("missing_permission", params={"module": module, "action": "read"})
    request = {"record_type": record_type, "query": call.query,
               "record_fields": readable_fields(principal, module),
               "account_fields": readable_fields(principal, "accounts") if record_type == "contact" else [],
               "denied_custom": auth.denied_custom(principal, module), "unreadable": unreadable_keys(principal),
               "language": problems.language()}
    result = rpc("export_records", actor(call), request)
    if "job_id" in result:
        return job_started(result["job_id"])
    return attachment(base64.b64decode(result["content"]), result["filename"], **{"X-Export-Rows": result["rows"]})


FILE = {"content": {MIME: {"schema": {"type": "string", "format": "binary"}}}}
EXPORT_RESPONSES = {200: {"description": "The file, up to EXPORT_SYNC_MAX_ROWS (5,000) rows", **FILE}}


@api.route("/contacts/export.xlsx", "GET", query=s.ExportQuery, permission=("contacts", "export"),
           response=s.JobStarted, status=202,
           tags=("contacts",), errors=(401, 403, 422), extra_responses=EXPORT_RESPONSES,
           summary="Export the contacts the search selects to .xlsx, with their account's columns (C-18); "
                   "202 and a job above 5,000 rows")
def export_contacts(call):
    return _export(call, "contact")


@api.route("/accounts/export.xlsx", "GET", query=s.ExportQuery, permission=("accounts", "export"),
           response=s.JobStarted, status=202,
           tags=("accounts",), errors=(401, 403, 422), extra_responses=EXPORT_RESPONSES,
           summary="Export the accounts the search selects to .xlsx (C-18); 202 and a job above 5,000 rows")
def export_accounts(call):
    return _export(call, "account")


def job_service(job_id):
    """The service that owns ``job_id`` (named by its prefix); NotFound for one no service owns."""
    service = owner_of(job_id)
    if service not in JOB_SERVICES:
        raise NotFound()
    return service


def _job_rpc(call, method, *args):
    job_id = call.path["job_id"]
    return current_app.extensions["carnet.rpc"].call(job_service(job_id), method, actor(call), job_id, *args)


@api.route("/jobs/{job_id}", "GET", response=s.JobRead, tags=JOBS, errors=(401, 404),
           summary="A background job of the caller's (N-4): status, progress, errors, download link when done")
def get_job(call):
    job = _job_rpc(call, "get_job")
    language = problems.language()
    job["errors"] = [messages.render(code, language) for code in job["errors"]]
    job["download_url"] = f"/api/v1/jobs/{job['id']}/download" if job["status"] == "done" else None
    return job


@api.route("/jobs/{job_id}/download", "GET", tags=JOBS, errors=(401, 403, 404, 409),
           extra_responses={200: {"description": "The .xlsx file", **FILE}},
           summary="The file a finished job produced (its owner only); 409 until it is done")
def download_job(call):
    job = _job_rpc(call, "get_job")
    module = KIND_MODULES.get(job["kind"])
    if module is not None and not auth.may(call.principal, module, "export"):
        raise Forbidden("missing_permission", params={"module": module, "action": "export"})
    if job["status"] != "done":
        raise Conflict("job_not_ready")
    # the body is streamed after the view returns, out of the request context: what it needs is taken now
    client, caller, job_id = current_app.extensions["carnet.rpc"], actor(call), job["id"]
    service = job_service(job_id)

    def chunks():
        for seq in range(job["chunks"]):
            yield base64.b64decode(client.call(service, "read_job_chunk", caller, job_id, seq)["data"])

    return attachment(chunks(), job["filename"], **{"Content-Length": job["size"]})
