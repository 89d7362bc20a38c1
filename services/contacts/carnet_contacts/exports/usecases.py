"""Use cases of exports to .xlsx (C-18) and of the background jobs that build the large ones (N-4).

An export holds exactly what the caller's search selects (the records area's ``record_predicates``: visibility
and query), in the list's sort (``record_sort``). Up to ``sync_max_rows`` records the file is built during the
call and returned; above, a job is queued and run by a timer of the service with ``carnet_common.jobs`` (claim,
progress, the file stored in chunks, expiry: see its docstring), which every service with jobs shares.

The sheet is written by ``carnet_common.xlsx`` as its rows are read. A job runs in an OS thread of its own with its
own connection (``JobRpc``): the writer pulls each batch from the server-side cursor there, without the hub. A small
export reads its rows in the call (at most ``sync_max_rows``) and writes them in ``offload`` (``eventlet.tpool``,
passed in by the entrypoints), so the hub keeps serving AMQP heartbeats and other workers meanwhile.
``settings`` (the sync limit, where files are built, the caps on queued jobs) come from the service's provider.

A job is queued within its caps (``kit.queue_job``: 429 past them) and, when it is to run, checked against its
owner's principal of now (``authority_lost``, issue 10 §1): it relies on the actor of its request (administrator,
flags, users below: which records; lists are read when it runs, ``Scope``), the module's export and read
permissions, and the fields the request could read (columns, custom columns, criteria); if any of that narrowed
since, the job is failed (``carnet_common.jobs.JobRpc``), so it never exports more than its owner may see now.
"""
import base64
from zoneinfo import ZoneInfo

from carnet_common import jobs as kit
from carnet_common import xlsx
from carnet_contacts.exports import export_xlsx, repository
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import usecases as record_usecases
from carnet_contracts import authority

OWNER = "contacts"
KINDS = {"contact": "export_contacts", "account": "export_accounts"}
MODULES = {"contact": "contacts", "account": "accounts"}
TITLES = {"contact": ("Contacts", "Contacts"), "account": ("Accounts", "Comptes")}


def _filename(record_type, at, zone):
    """``contacts-20261206-143000.xlsx``: when, in the organization's time zone (N-6)."""
    at = at.astimezone(ZoneInfo(zone or export_xlsx.DEFAULT_TIMEZONE))
    return f"{'contacts' if record_type == 'contact' else 'accounts'}-{at:%Y%m%d-%H%M%S}.xlsx"


def _selection(session, *, actor, request):
    """``(predicates, sort)``: the records and the order the caller's search page would show (C-12, C-15)."""
    record_type, query = request["record_type"], request["query"]
    scope = Scope(session, actor)
    ctx = record_usecases.criteria_context(session, actor=actor, record_type=record_type, scope=scope,
                                    unreadable=request["unreadable"])
    predicates = record_usecases.record_predicates(session, actor=actor, record_type=record_type, query=query,
                                            scope=scope, ctx=ctx)
    sort = record_usecases.record_sort(session, actor=actor, record_type=record_type, query=query, ctx=ctx,
                                        remember=False)
    return predicates, sort


def _sheet(session, *, actor, request, selection, counted=False):
    """``(write, batches)``: ``write(path, batches, progress=None)`` writes the export's sheet of ``batches`` of rows
    as read, and ``batches`` are the selected records, read as the sheet is written (``counted``: each row ends with
    how many the selection holds, which ``write`` leaves out)."""
    record_type, language = request["record_type"], request["language"]
    definitions = repository.custom_definitions(session, org_id=actor["org_id"], record_type=record_type,
                                                denied_keys=request["denied_custom"])
    columns = export_xlsx.columns_for(record_type, fields=request["record_fields"],
                                      account_fields=request["account_fields"], custom_definitions=definitions)
    predicates, sort = selection
    batches = repository.stream_rows(session, record_type, predicates=predicates, sort=sort, columns=columns,
                                     counted=counted, actor=actor)

    def write(path, batches, progress=None):
        return xlsx.write_sheet(path, title=TITLES[record_type][language == "fr"],
                                columns=export_xlsx.sheet_columns(columns, language, actor.get("timezone")),
                                batches=export_xlsx.cells(columns, batches), progress=progress)
    return write, batches


def start_export(session, *, actor, request, settings, offload):
    """The file itself for a small selection, else a queued job (``{"job_id"}``)."""
    selection = _selection(session, actor=actor, request=request)
    record_type = request["record_type"]
    rows = repository.count_capped(session, record_type, predicates=selection[0], cap=settings.sync_max_rows)
    if rows > settings.sync_max_rows:
        job_id = kit.queue_job(session, repository.STORE, settings=settings, job_id=kit.new_job_id(OWNER),
                               actor=actor, kind=KINDS[record_type], params={"actor": actor, "request": request})
        return {"job_id": job_id}
    write, batches = _sheet(session, actor=actor, request=request, selection=selection)
    read = list(batches)
    content = kit.small_file(settings, lambda path: offload(write, path, read))
    return {"filename": _filename(record_type, kit.now(), actor.get("timezone")), "rows": rows,
            "content": base64.b64encode(content).decode("ascii")}


def write_export(session, *, actor, request, selection, path, progress=None):
    """Stream the selected records into an .xlsx at ``path``, written as they are read (a job's work, in its
    thread); ``progress(rows written, rows selected)`` after each batch. The number of rows written."""
    write, batches = _sheet(session, actor=actor, request=request, selection=selection, counted=True)
    total = [0]

    def uncounted():
        for batch in batches:
            total[0] = batch[0][-1]
            yield [row[:-1] for row in batch]
    return write(path, uncounted(), None if progress is None else lambda done: progress(done, total[0]))


def authority_lost(*, principal, params):
    """What of the authority an export job was queued with (``params``: its actor and request) ``principal``, its
    owner's of now, no longer grants ([] when it may run as asked)."""
    actor, request = params["actor"], params["request"]
    module = MODULES[request["record_type"]]
    return (authority.visibility_lost(principal, actor)
            + authority.actions_lost(principal, [(module, "export"), (module, "read")])
            + authority.fields_lost(principal, module, request["record_fields"])
            + authority.fields_lost(principal, "accounts", request["account_fields"])
            + authority.custom_lost(principal, module, request["denied_custom"])
            + authority.unreadable_lost(principal, request["unreadable"]))


def export_job(session, params, path, report):
    """The work of an export job (``carnet_common.jobs.run_next_job``, in its thread): the file at ``path``, its
    name; ``report(rows written, rows selected)`` after each batch."""
    actor, request = params["actor"], params["request"]
    selection = _selection(session, actor=actor, request=request)
    write_export(session, actor=actor, request=request, selection=selection, path=path, progress=report)
    return _filename(request["record_type"], kit.now(), actor.get("timezone"))
