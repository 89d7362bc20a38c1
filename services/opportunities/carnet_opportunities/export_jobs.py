"""Exports of opportunities to .xlsx (O-6, C-18 rules) and the background jobs that run the large ones (N-4).

An export holds what the caller's list shows for the same filters (visibility of O-1/S-4/S-5, every page, O-4
order), with a column per custom field that is neither hidden nor one the caller's role may not read (S-3: the
gateway passes those keys). Up to ``EXPORT_SYNC_MAX_ROWS`` (5,000) opportunities the file is the answer of
the call; above, a job is queued with the actor, the query and the denied keys as the request verified them,
and a timer of the service runs it with ``carnet_common.jobs`` (claim with SKIP LOCKED, progress, the file stored
in chunks, expiry), as contacts does; only its owner sees it. Its id is ``opportunities:<uuid>``, so the gateway
asks this service for it.

Rows are read by a server-side cursor, 1,000 at a time; openpyxl (CPU-bound) writes each batch in ``offload``
(``eventlet.tpool``), an OS thread, so AMQP heartbeats and other workers are served meanwhile.
"""
import base64

from eventlet import tpool

from carnet_common import jobs as kit
from carnet_common.contracts import load_or_raise
from carnet_common.entrypoints import rpc_method
from carnet_opportunities import contracts, custom_fields, export_xlsx, usecases
from carnet_opportunities.models import job_files, jobs

OWNER = "opportunities"
KIND = "export_opportunities"
STORE = kit.JobStore(jobs, job_files)


def _filename():
    return f"opportunities-{kit.now():%Y%m%d-%H%M%S}.xlsx"


def _denied(values):
    """The custom keys the caller may not read, whatever the caller sent (non-strings are no keys)."""
    return sorted({v for v in values if isinstance(v, str)}) if isinstance(values, (list, tuple)) else []


def write_export(session, *, actor, query, denied, path, offload, progress=None):
    """Stream the opportunities ``query`` selects for ``actor`` into an .xlsx at ``path``; ``progress(rows)``
    after each batch."""
    columns = [field for key, field in custom_fields.definitions(session, actor["org_id"]).items()
               if not field["hidden"] and key not in denied]
    writer = offload(export_xlsx.SheetWriter, path, language=actor["language"], custom_fields=columns)
    for batch in usecases.export_batches(session, actor=actor, query=query):
        written = offload(writer.write_rows, batch)
        if progress is not None:
            progress(written)
    offload(writer.close)


def start_export(session, *, actor, query, denied, settings, offload):
    """``{content, filename, rows}`` (base64 .xlsx) for a small selection, else a queued job (``{job_id}``)."""
    rows = usecases.count_export(session, actor=actor, query=query, cap=settings.sync_max_rows)
    if rows > settings.sync_max_rows:
        job_id = STORE.create(session, job_id=kit.new_job_id(OWNER), actor=actor, kind=KIND,
                              params={"actor": actor, "query": query, "denied_custom": denied})
        return {"job_id": job_id}
    content = kit.small_file(settings, lambda path: write_export(session, actor=actor, query=query, denied=denied,
                                                                 path=path, offload=offload))
    return {"content": base64.b64encode(content).decode("ascii"), "filename": _filename(), "rows": rows}


def export_job(session, params, path, report, *, offload):
    """The work of an export job (``carnet_common.jobs.run_next_job``): the file at ``path``, its name."""
    actor, query = params["actor"], params["query"]
    total = usecases.count_export(session, actor=actor, query=query)
    write_export(session, actor=actor, query=query, denied=params["denied_custom"], path=path, offload=offload,
                 progress=lambda written: report(written, total))
    return _filename()


class ExportRpc(kit.JobRpc):
    """Mixed into OpportunitiesService (which provides ``db``); ``JobRpc`` reads, runs and cleans the export jobs."""

    job_store = STORE
    job_work = {KIND: export_job}
    job_actor = contracts.Actor

    @rpc_method
    def export_opportunities(self, actor, query=None, denied_custom=()):
        """O-6: ``{content, filename, rows}`` up to ``EXPORT_SYNC_MAX_ROWS`` opportunities, else ``{job_id}``;
        ``denied_custom``: the custom keys the caller's role may not read (their columns are left out)."""
        actor = load_or_raise(contracts.Actor(), actor)
        query = load_or_raise(contracts.OpportunityQuery(), query or {})
        with self.db.begin():
            return start_export(self.db, actor=actor, query=query, denied=_denied(denied_custom),
                                settings=self.export_settings, offload=tpool.execute)
