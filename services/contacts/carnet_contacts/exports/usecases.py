"""Use cases of exports to .xlsx (C-18) and of the background jobs that build the large ones (N-4).

An export holds exactly what the caller's search selects (the records area's ``record_predicates``: visibility
and query), in the list's sort (``record_sort``). Up to ``sync_max_rows`` records the file is built during the
call and returned; above, a job is queued and run by a timer of the service with ``carnet_common.jobs`` (claim,
progress, the file stored in chunks, expiry: see its docstring), which every service with jobs shares.

openpyxl is CPU-bound (about 8 µs a cell): each batch is written in ``offload`` (``eventlet.tpool`` in the
service, passed in by the entrypoints), an OS thread, so the hub keeps running between the interpreter's GIL
switches (every 5 ms) and AMQP heartbeats and other workers are served. Rows are read by the hub thread (psycopg
is green there). ``settings`` (the sync limit, where files are built) come from the service's provider.
"""
import base64

from carnet_common import jobs as kit
from carnet_contacts.exports import repository
from carnet_contacts.exports.export_xlsx import SheetWriter, columns_for
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import usecases as record_usecases

OWNER = "contacts"
KINDS = {"contact": "export_contacts", "account": "export_accounts"}


def _filename(record_type, at):
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


def write_export(session, *, actor, request, selection, path, offload, progress=None):
    """Stream the selected records into an .xlsx at ``path``; ``progress(rows_written)`` after each batch."""
    record_type = request["record_type"]
    definitions = repository.custom_definitions(session, org_id=actor["org_id"], record_type=record_type,
                                          denied_keys=request["denied_custom"])
    columns = columns_for(record_type, fields=request["record_fields"],
                          account_fields=request["account_fields"], custom_definitions=definitions)
    title = {"contact": ("Contacts", "Contacts"), "account": ("Accounts", "Comptes")}[record_type]
    writer = offload(SheetWriter, path, columns=columns, language=request["language"],
                     title=title[request["language"] == "fr"])
    predicates, sort = selection
    for batch in repository.stream_rows(session, record_type, predicates=predicates, sort=sort, columns=columns):
        written = offload(writer.write_rows, batch)
        if progress is not None:
            progress(written)
    offload(writer.close)


def start_export(session, *, actor, request, settings, offload):
    """The file itself for a small selection, else a queued job (``{"job_id"}``)."""
    selection = _selection(session, actor=actor, request=request)
    record_type = request["record_type"]
    rows = repository.count_capped(session, record_type, predicates=selection[0], cap=settings.sync_max_rows)
    if rows > settings.sync_max_rows:
        job_id = repository.STORE.create(session, job_id=kit.new_job_id(OWNER), actor=actor, kind=KINDS[record_type],
                              params={"actor": actor, "request": request})
        return {"job_id": job_id}
    content = kit.small_file(settings, lambda path: write_export(session, actor=actor, request=request,
                                                                 selection=selection, path=path, offload=offload))
    return {"filename": _filename(record_type, kit.now()), "rows": rows,
            "content": base64.b64encode(content).decode("ascii")}


def export_job(session, params, path, report, *, offload):
    """The work of an export job (``carnet_common.jobs.run_next_job``): the file at ``path``, its name."""
    actor, request = params["actor"], params["request"]
    selection = _selection(session, actor=actor, request=request)
    total = repository.count(session, request["record_type"], predicates=selection[0])
    write_export(session, actor=actor, request=request, selection=selection, path=path, offload=offload,
                 progress=lambda written: report(written, total))
    return _filename(request["record_type"], kit.now())
