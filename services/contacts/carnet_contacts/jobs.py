"""Exports to .xlsx (C-18) and the background jobs that run the large ones (N-4).

An export holds exactly what the caller's search selects (``usecases.record_predicates``: visibility and
query), in the list's sort. Up to ``sync_max_rows`` records the file is built during the call and returned;
above, a ``jobs`` row is queued and a timer of the service (any replica: rows are claimed with
``FOR UPDATE SKIP LOCKED``) runs it outside any RPC or AMQP delivery, recording progress per batch.

The finished file is stored in PostgreSQL (``job_files``, 1 MiB chunks) and streamed back through the
gateway chunk by chunk over RPC: it works with the gateway and the service in different pods, needs no
shared volume, and is deleted with its job after ``result_ttl``.

openpyxl is CPU-bound (about 8 µs a cell): each batch is written in ``offload`` (``eventlet.tpool`` in
the service), an OS thread, so the hub keeps running between the interpreter's GIL switches (every 5 ms)
and AMQP heartbeats and other workers are served. Rows are read by the hub thread (psycopg is green there).
"""
import base64
import logging
import os
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session

from carnet_common import config, db
from carnet_common.errors import Conflict, NotFound
from carnet_contacts import export_repository as repo
from carnet_contacts import usecases
from carnet_contacts.export_xlsx import SheetWriter, columns_for

log = logging.getLogger(__name__)

KINDS = {"contact": "export_contacts", "account": "export_accounts"}
RECORD_TYPES = {kind: record_type for record_type, kind in KINDS.items()}
CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ExportSettings:
    sync_max_rows: int
    result_ttl: timedelta
    stalled_after: timedelta
    work_dir: str

    @classmethod
    def from_env(cls):
        work_dir = os.environ.get("EXPORT_DIR") or tempfile.gettempdir()
        return cls(sync_max_rows=config.env_int("EXPORT_SYNC_MAX_ROWS", 5_000),
                   result_ttl=timedelta(seconds=config.env_int("EXPORT_RESULT_TTL_SECONDS", 86_400)),
                   stalled_after=timedelta(seconds=config.env_int("EXPORT_STALLED_SECONDS", 600)),
                   work_dir=work_dir)


def _now():
    return datetime.now(timezone.utc)


def _filename(record_type, at):
    return f"{'contacts' if record_type == 'contact' else 'accounts'}-{at:%Y%m%d-%H%M%S}.xlsx"


def _selection(session, *, actor, request):
    """``(predicates, sort)``: the records and the order the caller's search page would show (C-12, C-15)."""
    record_type, query = request["record_type"], request["query"]
    scope = usecases.Scope(session, actor)
    ctx = usecases.criteria_context(session, actor=actor, record_type=record_type, scope=scope,
                                    unreadable=request["unreadable"])
    predicates = usecases.record_predicates(session, actor=actor, record_type=record_type, query=query,
                                            scope=scope, ctx=ctx)
    sort = usecases._sort(session, actor=actor, record_type=record_type, query=query, ctx=ctx, remember=False)
    return predicates, sort


def write_export(session, *, actor, request, selection, path, offload, progress=None):
    """Stream the selected records into an .xlsx at ``path``; ``progress(rows_written)`` after each batch."""
    record_type = request["record_type"]
    definitions = repo.custom_definitions(session, org_id=actor["org_id"], record_type=record_type,
                                          denied_keys=request["denied_custom"])
    columns = columns_for(record_type, fields=request["record_fields"],
                          account_fields=request["account_fields"], custom_definitions=definitions)
    title = {"contact": ("Contacts", "Contacts"), "account": ("Accounts", "Comptes")}[record_type]
    writer = offload(SheetWriter, path, columns=columns, language=request["language"],
                     title=title[request["language"] == "fr"])
    predicates, sort = selection
    for batch in repo.stream_rows(session, record_type, predicates=predicates, sort=sort, columns=columns):
        written = offload(writer.write_rows, batch)
        if progress is not None:
            progress(written)
    offload(writer.close)


def start_export(session, *, actor, request, settings, offload):
    """The file itself for a small selection, else a queued job (``{"job_id"}``)."""
    selection = _selection(session, actor=actor, request=request)
    record_type = request["record_type"]
    rows = repo.count_capped(session, record_type, predicates=selection[0], cap=settings.sync_max_rows)
    if rows > settings.sync_max_rows:
        job_id = str(uuid.uuid4())
        repo.insert_job(session, {"id": job_id, "org_id": actor["org_id"], "user_id": actor["user_id"],
                                  "kind": KINDS[record_type], "status": "queued", "progress": 0,
                                  "params": {"actor": actor, "request": request}})
        return {"job_id": job_id}
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=settings.work_dir)
    os.close(fd)
    try:
        write_export(session, actor=actor, request=request, selection=selection, path=path, offload=offload)
        with open(path, "rb") as file:
            content = file.read()
    finally:
        os.unlink(path)
    return {"filename": _filename(record_type, _now()), "rows": rows,
            "content": base64.b64encode(content).decode("ascii")}


def run_next_job(engine, *, settings, offload):
    """Claim one queued export and run it to the end; False when nothing was queued."""
    with Session(engine) as session, session.begin():
        job = repo.claim_job(session, kinds=RECORD_TYPES)
        if job is None:
            return False
        repo.update_job(session, job["id"], {"status": "running", "progress": 0})
    job_id, params = job["id"], job["params"]
    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=settings.work_dir)
    os.close(fd)
    try:
        _run_export(engine, job_id=job_id, actor=params["actor"], request=params["request"], path=path,
                    settings=settings, offload=offload)
    except Exception:  # noqa: BLE001 - any failure is the job's, recorded for its owner, logged as a bug
        log.exception("export job %s failed", job_id)
        with Session(engine) as session, session.begin():
            repo.update_job(session, job_id, {"status": "failed", "error": "export_failed",
                                              "expires_at": _now() + settings.result_ttl})
    finally:
        os.unlink(path)
    return True


def _run_export(engine, *, job_id, actor, request, path, settings, offload):
    record_type = request["record_type"]
    with Session(engine) as session:
        db.no_statement_timeout(session)   # a 100,000-row export streams for longer than a request may
        selection = _selection(session, actor=actor, request=request)
        total = max(repo.count(session, record_type, predicates=selection[0]), 1)

        def progress(written):
            with Session(engine) as progress_session, progress_session.begin():
                repo.update_job(progress_session, job_id, {"progress": min(99, written * 100 // total)})

        write_export(session, actor=actor, request=request, selection=selection, path=path, offload=offload,
                     progress=progress)
    size, chunks = os.path.getsize(path), 0
    with Session(engine) as session, session.begin(), open(path, "rb") as file:
        while data := file.read(CHUNK_BYTES):
            repo.add_file_chunk(session, job_id=job_id, seq=chunks, data=data)
            chunks += 1
        repo.update_job(session, job_id, {
            "status": "done", "progress": 100, "result_name": _filename(record_type, _now()),
            "result_size": size, "result_chunks": chunks, "expires_at": _now() + settings.result_ttl})


def job_read(row):
    return {"id": row["id"], "kind": row["kind"], "status": row["status"], "progress": row["progress"],
            "errors": [row["error"]] if row["error"] else [], "filename": row["result_name"],
            "size": row["result_size"], "chunks": row["result_chunks"] or 0,
            "created_at": row["created_at"].isoformat(), "updated_at": row["updated_at"].isoformat()}


def get_job(session, *, actor, job_id):
    """The caller's own job; anyone else's (another user, another organization) is NotFound."""
    row = repo.get_job(session, job_id=job_id, org_id=actor["org_id"], user_id=actor["user_id"])
    if row is None:
        raise NotFound()
    return job_read(row)


def read_job_chunk(session, *, actor, job_id, seq):
    job = get_job(session, actor=actor, job_id=job_id)
    if job["status"] != "done":
        raise Conflict("job_not_ready")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < job["chunks"]:
        raise NotFound()
    data = repo.file_chunk(session, job_id=job_id, seq=seq)
    if data is None:
        raise NotFound()
    return {"data": base64.b64encode(data).decode("ascii")}


def clean_jobs(session, *, settings):
    """Expired results go (their chunks with them); jobs whose worker died are marked failed."""
    now = _now()
    stalled = repo.fail_stalled_jobs(session, now=now, stalled_after=settings.stalled_after,
                                     error="export_interrupted", ttl=settings.result_ttl)
    deleted = repo.delete_expired_jobs(session, now=now)
    return {"stalled": stalled, "deleted": deleted}
