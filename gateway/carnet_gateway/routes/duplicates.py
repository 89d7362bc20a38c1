"""Duplicates (C-20), served by the contacts service: the review queue of each module, dismissing a pair, the check
before a create, and the organization's full scan.

The service decides which records a caller sees (C-2, L-2, L-3, S-4): a pair is listed, and a record returned by the
check, only when the caller can GET it (and both records of a pair). Field permissions (S-3) are applied here as on
a record's GET (``records.readable``); a reason is dropped unless the caller may read every field it compares
(``carnet_contracts.duplicates.REASON_FIELDS``), and the check forwards only the candidate's values the caller may
read, so a match never tells them a hidden value. Who may: the queue and the check need the module's read
permission, a dismiss its write permission; a full scan is an administrator's (an organization-wide scan costs
minutes at 1M contacts; between two, the service's incremental check keeps the queue current after every change).
"""
from flask import Response, json

from carnet_contracts import permissions
from carnet_contracts.duplicates import readable_reasons
from carnet_gateway import actors, records, services
from carnet_gateway.api import ADMIN, INPUT_ERRORS, api
from carnet_gateway.schemas import duplicates as s

SHAPES = {
    "contacts": (s.ContactCandidate, s.ContactPairPage, s.ContactCheck),
    "accounts": (s.AccountCandidate, s.AccountPairPage, s.AccountCheck),
}


def _reasons(principal, record, reasons):
    return readable_reasons(record.kind, reasons,
                            lambda field: permissions.may_field(principal, record.module, field, "read"))


def _routes(record):
    module, kind, tags = record.module, record.kind, (record.module,)
    candidate, page, check = SHAPES[module]
    base = f"/{module}/duplicates"

    @api.route(base, "GET", query=s.QueueQuery, response=page, tags=tags, permission=(module, "read"),
               errors=(401, 403, 422), name=f"list_{kind}_duplicates",
               summary=f"The review queue of probable duplicate {module} (C-20): open pairs whose two records the "
                       "caller can GET, highest score first; `record_id`: one record's pairs")
    def queue(call):
        found = services.contacts.call("list_duplicates", call.actor(actors.CONTACTS), kind, call.query)
        principal = call.principal
        found["items"] = [{**item, "a": records.readable(principal, module, item["a"]),
                           "b": records.readable(principal, module, item["b"]),
                           "reasons": _reasons(principal, record, item["reasons"])} for item in found["items"]]
        return found

    @api.route(f"{base}/check", "POST", body=candidate, response=check, tags=tags, permission=(module, "read"),
               errors=(401, 403, 422), name=f"check_{kind}_duplicates",
               summary=f"The probable duplicates of {record.noun} about to be created (C-20), among the {module} the "
                       "caller can GET; values of fields the caller may not read are not compared")
    def check_before_create(call):
        principal = call.principal
        body = {key: value for key, value in call.body.items()
                if permissions.may_field(principal, module, key, "read")}
        found = services.contacts.call("check_duplicates", call.actor(actors.CONTACTS), kind, body)
        return {"items": [{**item, "record": records.readable(principal, module, item["record"]),
                           "reasons": _reasons(principal, record, item["reasons"])} for item in found["items"]]}

    @api.route(f"{base}/dismiss", "POST", body=s.PairBody, status=204, tags=tags, permission=(module, "write"),
               errors=INPUT_ERRORS, name=f"dismiss_{kind}_duplicate",
               summary="Dismiss a pair of the queue (either order): not duplicates; a later scan keeps it dismissed. "
                       "404 when the pair is not open or the caller cannot GET both records")
    def dismiss(call):
        services.contacts.call("dismiss_duplicate", call.actor(actors.CONTACTS), kind, call.body)

    @api.route(f"{base}/scan", "POST", auth=ADMIN, response=s.ScanState, status=202, tags=tags,
               errors=(401, 403), name=f"scan_{kind}_duplicates",
               summary=f"Ask for a full scan of the organization's {module} (an administrator's); the service runs it "
                       "in the background: poll `GET` on the same path until `status` is `done`")
    def scan(call):
        state = services.contacts.call("request_duplicate_scan", call.actor(actors.CONTACTS), kind)
        location = f"/api/v1{base}/scan"
        return Response(json.dumps(s.ScanState().dump(state)), status=202, mimetype="application/json",
                        headers={"Location": location})

    @api.route(f"{base}/scan", "GET", response=s.ScanState, tags=tags, permission=(module, "read"),
               errors=(401, 403), name=f"get_{kind}_duplicate_scan",
               summary=f"The state of the organization's last full scan of {module} and its counts")
    def scan_state(call):
        return services.contacts.call("get_duplicate_scan", call.actor(actors.CONTACTS), kind)


for _record in records.RECORDS:
    _routes(_record)
