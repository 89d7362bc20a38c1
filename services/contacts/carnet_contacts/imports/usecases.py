"""Use cases of imports of contacts or accounts from .xlsx (C-19, N-1, N-4).

An import is an uploaded workbook owned by its uploader (another user, or another organization, gets NotFound):
1. Upload: the file arrives in chunks (the gateway streams it), stored in PostgreSQL (``import_chunks``), so any
   replica serves any step. ``finish_upload`` checks the archive (``archive.py``: .xls, password, zip bomb, not a
   workbook) before openpyxl reads a byte of XML, refuses a sheet past ``max_rows`` (the dimension the sheet declares;
   the job counts again), and proposes a mapping from the header row (``sheet.py``). A refused file is deleted.
2. Dry run and import are jobs (``carnet_common.jobs``: queued within caps, checked against the owner's authority of
   now, run in an OS thread with progress). Both read every row with the same code (``_rows``): the cells by the
   mapping, then the records area's contract (the API's rules, not a copy), then, for the import, its use cases:
   a batch's new records together (``records/batch.py``: the same lists, custom fields and accounts checks, rows,
   history and events as ``create_contact`` …, in a few multi-row statements, one savepoint), an update (or a batch
   whose joint write failed) one row at a time, each in a savepoint, so a bad row never aborts the others (N-1).
   Each error names its sheet row, its field and a reason in the owner's language;
   all of them are the job's downloadable ``.xlsx`` (written by ``carnet_common.xlsx``: formula-like text
   neutralised, C-18), the first ones and the counts are in the run (``import_runs``), read with the job.
3. Probable duplicates (C-20) are those the duplicates area scores (``probable_duplicates``: the records the caller
   sees only), and a row with the email (contacts) or name (accounts) of an earlier row of the file. In create mode a
   row with one is skipped unless ``create_duplicates``; in update mode the row's key (``email``, ``id`` or a custom
   field such as a customer number) picks the record to update, and a key matching several is that row's error.
4. Revert (also a job): every record the import created goes to the trash (the lifecycle area's ``delete_*``), and
   every update is reversed with the values it replaced, unless the record changed since (its version is no longer
   the one the import left): that one is reported, not overwritten. ``import_records`` holds exactly what was done.
"""
import base64
import os
import tempfile
import uuid
from dataclasses import dataclass

from marshmallow import ValidationError

from carnet_common import config, xlsx
from carnet_common import jobs as kit
from carnet_common.db import StatementRefused, savepoint
from carnet_common.errors import CarnetError, Conflict, InvalidInput, NotFound
from carnet_common.outbox import ThreadOutbox
from carnet_contacts import models, norms
from carnet_contacts.customization import repository as customization
from carnet_contacts.duplicates import usecases as duplicates
from carnet_contacts.exports import repository as exports_repository
from carnet_contacts.imports import archive, messages, repository, sheet
from carnet_contacts.lifecycle import usecases as lifecycle
from carnet_contacts.lists.usecases import Scope
from carnet_contacts.records import batch as batch_records
from carnet_contacts.records import contracts as record_contracts
from carnet_contacts.records import usecases as records
from carnet_contracts import authority

OWNER = "contacts"
DRY_RUN, RUN, REVERT = "import_dry_run", "import_run", "import_revert"
KINDS = (DRY_RUN, RUN, REVERT)
MODULES = {"contact": "contacts", "account": "accounts"}
CREATE = {"contact": record_contracts.ContactCreate, "account": record_contracts.AccountCreate}
UPDATE = {"contact": record_contracts.ContactUpdate, "account": record_contracts.AccountUpdate}
SHOWN = 100          # errors and duplicates kept in a run's report (all of them are in its file)
BATCH = 500          # rows per committed batch (progress, and what a crash loses)
STORE = exports_repository.STORE


@dataclass(frozen=True)
class ImportSettings:
    """``max_bytes`` per file, ``max_rows`` per sheet, and the archive's caps (``archive.ArchiveLimits``)."""
    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 200_000
    limits: archive.ArchiveLimits = archive.ArchiveLimits()

    @classmethod
    def from_env(cls):
        return cls(max_bytes=config.env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024),
                   max_rows=config.env_int("IMPORT_MAX_ROWS", 200_000),
                   limits=archive.ArchiveLimits(
                       max_entries=config.env_int("IMPORT_MAX_ENTRIES", 10_000),
                       max_total_bytes=config.env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 1024 * 1024 * 1024),
                       max_ratio=config.env_int("IMPORT_MAX_RATIO", 200)))


def import_read(row, runs=(), definitions=None):
    available = sheet.fields_of(row["record_type"], definitions or {})
    return {"fields_available": available,
            "id": row["id"], "record_type": row["record_type"], "filename": row["filename"], "size": row["size"],
            "state": row["state"], "columns": row["columns"], "problems": row["problems"], "rows": row["rows"],
            "options": row["options"], "created_at": row["created_at"].isoformat(),
            "runs": [{"job_id": r["job_id"], "kind": r["kind"], **_summary(r["counts"])} for r in runs]}


def _summary(counts):
    return {key: counts.get(key) for key in ("processed", "total", "created", "updated", "skipped", "failed",
                                             "duplicates", "trashed", "restored", "conflicts")
            if counts.get(key) is not None}


def _owned(session, actor, import_id, *, for_update=False):
    row = repository.owned(session, import_id=import_id, org_id=actor["org_id"], user_id=actor["user_id"],
                           for_update=for_update)
    if row is None:
        raise NotFound()
    return row


# Upload -----------------------------------------------------------------------------------------------------

def start_upload(session, *, actor, record_type, filename):
    import_id = str(uuid.uuid4())
    repository.create(session, {"id": import_id, "org_id": actor["org_id"], "user_id": actor["user_id"],
                                "record_type": record_type, "filename": filename[:255], "size": 0,
                                "state": "uploading", "columns": [], "problems": []})
    return {"id": import_id}


def add_chunk(session, *, actor, import_id, seq, data, settings):
    row = _owned(session, actor, import_id, for_update=True)
    if row["state"] != "uploading":
        raise Conflict("import_not_uploading")
    chunks, size = repository.stored_size(session, import_id)
    content = base64.b64decode(data)
    if seq != chunks:
        raise InvalidInput(errors={"seq": ["import_chunk_order"]})
    if size + len(content) > settings.max_bytes:
        raise InvalidInput("import_too_large", errors={"file": ["import_too_large"]},
                           params={"limit": settings.max_bytes})
    repository.add_chunk(session, import_id=import_id, seq=seq, data=content)
    return {"size": size + len(content)}


def finish_upload(session, *, actor, import_id, settings, offload):
    """The upload checked and its header read (``offload``: openpyxl's CPU-bound reading off the hub); a refused
    file is deleted with its import, and the refusal raised (``InvalidInput`` whose ``params.status`` is 415 or 422:
    the gateway answers that status)."""
    row = _owned(session, actor, import_id, for_update=True)
    if row["state"] != "uploading":
        raise Conflict("import_not_uploading")
    definitions = _definitions(session, actor, row["record_type"])
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        repository.write_file(session, import_id, file)
        file.flush()
        size = file.tell()
        try:
            columns, problems, rows = offload(_inspect, file.name, settings, row["record_type"], definitions)
        except archive.Refused as refused:
            repository.delete(session, import_id)
            raise InvalidInput(refused.code, errors={"file": [refused.code]},
                               params={"status": refused.status, **refused.params}) from None
    repository.update(session, import_id, state="ready", size=size, columns=columns, problems=problems, rows=rows)
    return import_read(_owned(session, actor, import_id), definitions=definitions)


def _inspect(path, settings, record_type, definitions):
    archive.check_archive(path, settings.limits)
    try:
        with sheet.Workbook(path) as book:
            rows = book.dimension_rows
            if rows is not None and rows - 1 > settings.max_rows:
                raise archive.Refused(422, "import_too_many_rows", limit=settings.max_rows, rows=rows - 1)
            if not any(sheet._text(h) for h in book.headers):
                raise archive.Refused(422, "import_no_header")
            columns, problems = sheet.propose(book.headers, record_type=record_type,
                                              custom_definitions=_labels(definitions))
    except archive.Refused:
        raise
    except Exception:  # noqa: BLE001 - any failure to read the workbook is the file's (corrupt parts)
        raise archive.Refused(422, "import_corrupt") from None
    return columns, problems, (rows - 1 if rows else None)


def _definitions(session, actor, record_type):
    """The module's custom fields a row may fill: the visible ones (C-14)."""
    module = MODULES[record_type]
    rows = customization.custom_field_rows_by_module(session, org_id=actor["org_id"], modules=[module])[module]
    return {key: dict(row) for key, row in rows.items() if not row["hidden"]}


def _labels(definitions):
    return {key: {"label_en": d["label_en"], "label_fr": d["label_fr"], "type": d["type"]}
            for key, d in definitions.items()}


def get_import(session, *, actor, import_id):
    row = _owned(session, actor, import_id)
    return import_read(row, repository.latest_runs(session, import_id),
                       definitions=_definitions(session, actor, row["record_type"]))


def run_read(session, job):
    """What ``GET /jobs/{id}`` adds for an import's job: its counts and first errors and duplicates."""
    run = repository.run_of(session, job["id"])
    if run is None:
        return {}
    counts = run["counts"]
    return {"import_id": run["import_id"], "counts": _summary(counts),
            "row_errors": counts.get("errors", []), "duplicates": counts.get("duplicates_shown", [])}


# Options and jobs --------------------------------------------------------------------------------------------

def _mapping(row, options, definitions):
    """``[(index, field)]`` of the chosen mapping; 422 naming the column for an unknown column or field, or a field
    two columns fill."""
    known = {c["column"]: index for index, c in enumerate(row["columns"])}
    letters = {c["column"]: c for c in row["columns"]}
    fields = set(sheet.fields_of(row["record_type"], _labels(definitions)))
    chosen, seen, errors = [], {}, {}
    for column, field in (options.get("mapping") or {}).items():
        if field in (None, ""):
            continue
        if column not in known:
            errors[f"mapping.{column}"] = ["import_unknown_column"]
        elif field not in fields:
            errors[f"mapping.{column}"] = ["import_unknown_field"]
        elif field in seen:
            errors[f"mapping.{column}"] = ["import_field_twice"]
        else:
            seen[field] = column
            chosen.append((_index(letters[column]["column"]), field))
    if errors:
        raise InvalidInput(errors=errors)
    if not chosen:
        raise InvalidInput("import_nothing_mapped", errors={"mapping": ["import_nothing_mapped"]})
    return sorted(chosen)


def _index(letter):
    from openpyxl.utils import column_index_from_string
    return column_index_from_string(letter) - 1


def start_job(session, *, actor, import_id, options, kind, settings):
    """Queue a dry run or an import of the caller's import with ``options`` (mapping, lists, mode, key)."""
    row = _owned(session, actor, import_id, for_update=True)
    if kind == RUN and row["state"] != "ready":
        raise Conflict("import_already_run")
    if kind == DRY_RUN and row["state"] != "ready":
        raise Conflict("import_already_run")
    definitions = _definitions(session, actor, row["record_type"])
    mapping = _mapping(row, options, definitions)
    fields = {field for _, field in mapping}
    if options["mode"] == "update":
        key = options.get("key")
        if key not in fields:
            raise InvalidInput(errors={"key": ["import_key_not_mapped"]})
    scope = Scope(session, actor)
    scope.check(session, options["list_ids"])
    job_id = kit.queue_job(session, STORE, settings=settings, job_id=kit.new_job_id(OWNER), actor=actor,
                           kind=kind, params={"actor": actor, "import_id": import_id, "options": options,
                                              "module": MODULES[row["record_type"]]})
    repository.add_run(session, job_id=job_id, import_id=import_id, kind=kind,
                       counts={"processed": 0, "total": row["rows"] or 0})
    stored = {**options, "mapping": {k: v for k, v in options["mapping"].items() if v}}
    repository.update(session, import_id, options=stored, **({"state": "importing"} if kind == RUN else {}))
    return {"job_id": job_id}


def start_revert(session, *, actor, import_id, settings, language="en"):
    row = _owned(session, actor, import_id, for_update=True)
    if row["state"] not in ("imported", "importing") or not _run_finished(session, actor, import_id):
        raise Conflict("import_not_revertable")
    job_id = kit.queue_job(session, STORE, settings=settings, job_id=kit.new_job_id(OWNER), actor=actor,
                           kind=REVERT, params={"actor": actor, "import_id": import_id, "language": language,
                                                "module": MODULES[row["record_type"]]})
    repository.add_run(session, job_id=job_id, import_id=import_id, kind=REVERT, counts={})
    repository.update(session, import_id, state="reverting")
    return {"job_id": job_id}


def _run_finished(session, actor, import_id):
    """Whether the import's job ran (done, or failed part way: what it did is reverted all the same)."""
    runs = [r for r in repository.latest_runs(session, import_id) if r["kind"] == RUN]
    if not runs:
        return False
    job = STORE.owned(session, job_id=runs[0]["job_id"], org_id=actor["org_id"], user_id=actor["user_id"])
    return job is not None and job["status"] in ("done", "failed")


def authority_lost(*, principal, params):
    """What of the authority an import job was queued with (its actor's visibility, the module's write) its owner's
    principal of now no longer grants ([] when it may run)."""
    return (authority.visibility_lost(principal, params["actor"])
            + authority.actions_lost(principal, [(params["module"], "write")]))


# Running -------------------------------------------------------------------------------------------------------

def job_outbox():
    """The outbox of an import's thread (events written with each row, relayed by the service's sweep)."""
    return ThreadOutbox(models.outbox)


class Report:
    """A run's counts and errors: ``counts`` (stored with the run), ``errors`` (rows of the error file)."""

    def __init__(self, language, total):
        self.language = language
        self.counts = {"processed": 0, "total": total, "created": 0, "updated": 0, "skipped": 0, "failed": 0,
                       "duplicates": 0, "errors": [], "duplicates_shown": []}
        self.errors = []
        self.seen = {}   # a new record's identity (folded email, or account name) → the row that had it first

    def error(self, number, field, code, params=None):
        message = messages.text(code, self.language, params)
        entry = {"row": number, "field": field or "", "code": code, "message": message}
        self.errors.append(entry)
        if len(self.counts["errors"]) < SHOWN:
            self.counts["errors"].append(entry)

    def duplicate(self, number, ids, same_as_row=None):
        self.counts["duplicates"] += 1
        if len(self.counts["duplicates_shown"]) < SHOWN:
            entry = {"row": number, "record_ids": ids}
            if same_as_row is not None:
                entry["same_as_row"] = same_as_row
            self.counts["duplicates_shown"].append(entry)


def import_job(session, params, path, report, *, dry_run):
    """The work of a dry run or an import (``run_next_job``, in its thread): the error file at ``path``, its name."""
    actor, import_id = params["actor"], params["import_id"]
    options = {**params["options"], "import_id": import_id}
    job_id = _job_id(session, import_id, DRY_RUN if dry_run else RUN)
    row = repository.get(session, import_id)
    definitions = _definitions(session, actor, row["record_type"])
    mapping = _mapping(row, options, definitions)
    result = Report(options.get("language") or actor.get("language") or "en", row["rows"] or 0)
    settings = ImportSettings.from_env()
    work = tempfile.NamedTemporaryFile(suffix=".xlsx", dir=os.path.dirname(path))
    with work:
        repository.write_file(session, import_id, work)
        work.flush()
        with sheet.Workbook(work.name) as book:
            batch, written = [], 0
            for number, values, formulas in book.rows():
                if number - 1 > settings.max_rows:
                    result.error(number, "", "import_too_many_rows", {"limit": settings.max_rows})
                    break
                batch.append((number, values, formulas))
                if len(batch) >= BATCH:
                    _batch(session, row, actor, options, mapping, definitions, batch, result, dry_run)
                    _progress(session, job_id, result, report)
                    batch, written = [], written + 1
                    if not dry_run and written & (written - 1) == 0:  # after batches 1, 2, 4, 8…: the table grew
                        repository.analyze(session, row["record_type"])
            if batch:
                _batch(session, row, actor, options, mapping, definitions, batch, result, dry_run)
    result.counts["total"] = result.counts["processed"]
    if not dry_run:
        repository.update(session, import_id, state="imported")
        repository.delete_chunks(session, import_id)
    repository.set_counts(session, job_id, result.counts)
    session.commit()
    _write_errors(path, result)
    return f"import-{'dry-run' if dry_run else 'errors'}-{import_id[:8]}.xlsx"


def dry_run_job(session, params, path, report):
    return import_job(session, params, path, report, dry_run=True)


def run_job(session, params, path, report):
    return import_job(session, params, path, report, dry_run=False)


def _job_id(session, import_id, kind):
    runs = [r for r in repository.latest_runs(session, import_id) if r["kind"] == kind]
    return runs[0]["job_id"]


def _progress(session, job_id, result, report):
    """The counts so far committed (what a crash keeps), and the job's statement timeout set again for the next
    transaction: the jobs kit sets it ``LOCAL`` to the job's first one, and without it a later batch ran under the
    service's 12 s RPC timeout (a slow duplicates lookup failed the whole import)."""
    timeout = repository.statement_timeout(session)
    repository.set_counts(session, job_id, result.counts)
    session.commit()
    repository.set_statement_timeout(session, timeout)
    report(result.counts["processed"], max(result.counts["total"], result.counts["processed"]))


def _batch(session, row, actor, options, mapping, definitions, batch, result, dry_run):
    """One batch of rows: read, validated, matched, and (not ``dry_run``) written, each row in a savepoint."""
    record_type, mode, key = row["record_type"], options["mode"], options.get("key")
    list_ids = repository.selected_lists(session, actor)
    prepared = []
    for number, values, formulas in batch:
        result.counts["processed"] += 1
        data, errors = sheet.row_data(values, mapping, definitions)
        for index in formulas:
            field = dict(mapping).get(index)
            if field:
                errors[field] = "import_formula_without_value"
        if errors:
            result.counts["failed"] += 1
            for field, code in errors.items():
                result.error(number, field, code)
            continue
        prepared.append((number, data))
    keys = repository.matches(session, record_type, actor=actor, list_ids=list_ids, key=key,
                              values=[_key_value(d, key) for _, d in prepared]) if mode == "update" else {}
    probable = probable_duplicates(session, record_type, actor=actor, rows=[d for _, d in prepared])
    fold = repository.key_column(record_type, key)[1] if mode == "update" else None
    outbox = job_outbox()
    schemas = {"create": CREATE[record_type](), "update": UPDATE[record_type]()}
    creates = []    # (number, body): the new records of the batch, written together (``_write_creates``)
    for (number, data), found in zip(prepared, probable, strict=True):
        target = None
        if mode == "update":
            value = _key_value(data, key)
            ids = keys.get(fold(value), []) if value not in (None, "") else []
            if len(ids) > 1:
                result.counts["failed"] += 1
                result.error(number, key, "import_key_ambiguous", {"count": len(ids)})
                continue
            target = ids[0] if ids else None
            if target is None and not options.get("create_missing", True):
                result.counts["skipped"] += 1
                result.error(number, key, "import_key_unmatched")
                continue
        earlier = _earlier_row(result, record_type, data, number) if target is None else None
        if target is None and (found or earlier):
            result.duplicate(number, found, earlier)
            if not options.get("create_duplicates", False):
                result.counts["skipped"] += 1
                continue
        body = _load(schemas, options, number, data, target, result)
        if body is None:
            continue
        if dry_run:
            result.counts["updated" if target else "created"] += 1
        elif target is None and mode == "create":   # update mode stays one row at a time, in the file's order
            creates.append((number, body))
        else:
            _write_row(session, record_type, actor, options, number, body, target, result, outbox)
    if creates:
        _write_creates(session, record_type, actor, options, creates, result, outbox)


def _earlier_row(result, record_type, data, number):
    """The row of the file that already has this new record's email (contacts) or name (accounts), folded: two rows
    of one file are duplicates of each other too (the duplicates area compares with stored records only). None for
    the first, which is remembered."""
    identity = norms.fold(data.get("email") if record_type == "contact" else data.get("name"))
    if not identity:
        return None
    first = result.seen.setdefault(identity, number)
    return first if first != number else None


def _key_value(data, key):
    if key and key.startswith("custom."):
        value = (data.get("custom") or {}).get(key[7:])
        return None if value is None else str(value)
    return data.get(key)


def probable_duplicates(session, record_type, *, actor, rows):
    """For each row's data, the ids of the records the caller sees that it probably duplicates (C-20), best first:
    the duplicates area's scoring (``duplicates.usecases.probable_duplicates``: normalised email, phone digits,
    folded names and city, at its threshold), limited to what the caller may GET. The one place the import asks."""
    found = duplicates.probable_duplicates(session, org_id=actor["org_id"], record_type=record_type,
                                           candidates=rows, visible=actor)
    return [[match["id"] for match in matches[:3]] for matches in found]


def _load(schemas, options, number, data, target, result):
    """The row's body as the API's contract loads it (a create's with the chosen lists), or None when the contract
    refuses it (each refusal that row's error). ``schemas``: one instance per contract for the batch."""
    fields = {k: v for k, v in data.items() if k != "id"}
    try:
        if target is None:
            return schemas["create"].load({**fields, "list_ids": options["list_ids"]})
        return schemas["update"].load(fields)
    except ValidationError as exc:
        result.counts["failed"] += 1
        for field, reasons in _flat(exc.messages).items():
            result.error(number, field, reasons[0])
        return None


def _write_creates(session, record_type, actor, options, creates, result, outbox):
    """The batch's new records written together (``records.batch.create_records``: a few multi-row statements for
    all of them, the same rows, history, events and versions as the one-row use case) with what the import did, in a
    savepoint. A row a rule refuses is its error; if the writes themselves fail (a constraint), the savepoint is
    rolled back and the batch goes one row at a time, each in its own savepoint, so a bad row costs only itself."""
    try:
        with savepoint(session):
            outcomes = batch_records.create_records(session, outbox=outbox, actor=actor, record_type=record_type,
                                                    rows=[body for _, body in creates])
            done = [{"import_id": options["import_id"], "record_id": read["id"], "row_number": number,
                     "version_after": read["version"], "action": "created", "before": None}
                    for (number, _), read in zip(creates, outcomes, strict=True)
                    if not isinstance(read, CarnetError)]
            repository.add_done(session, done)
    except StatementRefused:
        for number, body in creates:
            _write_row(session, record_type, actor, options, number, body, None, result, outbox)
        return
    for (number, _), outcome in zip(creates, outcomes, strict=True):
        if isinstance(outcome, CarnetError):
            _refused(result, number, outcome)
        else:
            result.counts["created"] += 1


def _refused(result, number, exc):
    result.counts["failed"] += 1
    reasons = _flat(exc.errors) or {"": [exc.code or "import_row_refused"]}
    for field, codes in reasons.items():
        result.error(number, field, codes[0])


def _write_row(session, record_type, actor, options, number, body, target, result, outbox):
    """Write one row's body with the API's use case in a savepoint: any refusal is that row's error, the batch goes
    on (an update, or a create of a batch whose joint write failed)."""
    try:
        with savepoint(session):
            if target is None:
                create = records.create_contact if record_type == "contact" else records.create_account
                read = create(session, outbox=outbox, actor=actor, data=body)
                done = {"action": "created", "before": None}
            else:
                before = repository.current(session, record_type, target)
                update = records.update_contact if record_type == "contact" else records.update_account
                key = "contact_id" if record_type == "contact" else "account_id"
                read = update(session, outbox=outbox, actor=actor, data=body, **{key: target})
                done = {"action": "updated", "before": _before(before, body)}
            repository.add_done(session, [{"import_id": options["import_id"], "record_id": read["id"],
                                           "row_number": number, "version_after": read["version"], **done}])
    except CarnetError as exc:
        _refused(result, number, exc)
        return
    except StatementRefused:  # a constraint the row breaks (N-1: that row's error, never the others')
        result.counts["failed"] += 1
        result.error(number, "", "import_row_refused")
        return
    result.counts["updated" if target else "created"] += 1


def _before(row, body):
    """The values an update replaces (its fields, and its custom keys as ``custom``), for the revert."""
    before = {k: row[k] for k in body if k in row and k not in ("custom", "version")}
    if body.get("custom"):
        before["custom"] = {k: (row["custom"] or {}).get(k) for k in body["custom"]}
    return before


def _flat(messages_, prefix=""):
    flat = {}
    if isinstance(messages_, dict):
        for key, value in messages_.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(_flat(value, name))
            else:
                flat[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    return flat


def _write_errors(path, result):
    """The run's errors as an .xlsx (row, field, reason): text cells, formula-like values neutralised (C-18)."""
    fr = result.language == "fr"
    columns = [xlsx.Column("Ligne" if fr else "Row", xlsx.NUMBER), xlsx.Column("Champ" if fr else "Field"),
               xlsx.Column("Raison" if fr else "Reason")]
    rows = [[e["row"], e["field"], e["message"]] for e in result.errors]
    xlsx.write_sheet(path, title="Erreurs" if fr else "Errors", columns=columns, batches=[rows] if rows else [])


# Revert ------------------------------------------------------------------------------------------------------

def revert_job(session, params, path, report):
    """Trash what the import created; reverse its updates unless the record changed since (reported)."""
    actor, import_id = params["actor"], params["import_id"]
    job_id = _job_id(session, import_id, REVERT)
    row = repository.get(session, import_id)
    record_type = row["record_type"]
    result = Report(params.get("language") or "en", sum(repository.count_done(session, import_id).values()))
    result.counts.update(trashed=0, restored=0, conflicts=0)
    list_ids = repository.selected_lists(session, actor)
    outbox = job_outbox()
    after = None
    while batch := repository.done_records(session, import_id, action="created", after=after):
        after = batch[-1]["record_id"]
        rows = [r for r in (repository.locked_visible(session, record_type, d["record_id"], actor=actor,
                                                      list_ids=list_ids) for d in batch) if r is not None]
        for done in batch:
            result.counts["processed"] += 1
            if not any(r["id"] == done["record_id"] for r in rows):
                result.counts["skipped"] += 1
                result.error(done["row_number"], "id", "import_revert_gone")
        if rows:
            if record_type == "contact":
                lifecycle.delete_contacts(session, outbox=outbox, actor=actor, rows=rows, list_ids=list_ids)
            else:
                lifecycle.delete_accounts(session, outbox=outbox, actor=actor, rows=rows, list_ids=list_ids)
            result.counts["trashed"] += len(rows)
        _progress(session, job_id, result, report)
    after = None
    while batch := repository.done_records(session, import_id, action="updated", after=after):
        after = batch[-1]["record_id"]
        for done in batch:
            result.counts["processed"] += 1
            stored = repository.current(session, record_type, done["record_id"])
            if stored is None or stored["deleted_at"] is not None or stored["version"] != done["version_after"]:
                result.counts["conflicts"] += 1
                result.error(done["row_number"], "id", "import_revert_edited", {"id": done["record_id"]})
                continue
            update = records.update_contact if record_type == "contact" else records.update_account
            key = "contact_id" if record_type == "contact" else "account_id"
            try:
                with savepoint(session):
                    update(session, outbox=outbox, actor=actor, data=dict(done["before"]),
                           **{key: done["record_id"]})
                result.counts["restored"] += 1
            except CarnetError as exc:
                result.counts["conflicts"] += 1
                result.error(done["row_number"], "id", exc.code or "import_row_refused")
        _progress(session, job_id, result, report)
    repository.update(session, import_id, state="reverted")
    repository.set_counts(session, job_id, result.counts)
    session.commit()
    _write_errors(path, result)
    return f"import-revert-{import_id[:8]}.xlsx"


WORK = {DRY_RUN: dry_run_job, RUN: run_job, REVERT: revert_job}
