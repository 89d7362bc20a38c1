"""The queries of imports (C-19): the imports, their file's chunks, their runs' counts and what each import did to
each record; and the key lookups over the records the caller sees (the records area's visibility predicate). The
only module of the area that builds SQL (docs/conventions.md)."""
import sqlalchemy as sa

from carnet_contacts import models, norms
from carnet_contacts.imports.tables import import_chunks, import_records, import_runs, imports
from carnet_contacts.lists.repository import scope_ids
from carnet_contacts.records import repository as records

CHUNK_BYTES = 1024 * 1024


def selected_lists(session, actor):
    return [list_id for list_id, selected in scope_ids(session, actor) if selected]


# Imports and their file ---------------------------------------------------------------------------------------

def create(session, values):
    session.execute(imports.insert().values(**values))


def owned(session, *, import_id, org_id, user_id, for_update=False):
    """The import when it is the caller's (same organization and user), else None."""
    query = sa.select(imports).where(imports.c.id == import_id, imports.c.org_id == org_id,
                                     imports.c.user_id == user_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def get(session, import_id):
    return session.execute(sa.select(imports).where(imports.c.id == import_id)).mappings().first()


def update(session, import_id, **values):
    session.execute(imports.update().where(imports.c.id == import_id).values(**values, updated_at=records.now()))


def delete(session, import_id):
    """The import and its chunks (``ON DELETE CASCADE``)."""
    session.execute(imports.delete().where(imports.c.id == import_id))


def delete_chunks(session, import_id):
    """The file of an import that ran (it is read once more by nobody: a new run needs a new upload)."""
    session.execute(import_chunks.delete().where(import_chunks.c.import_id == import_id))


def add_chunk(session, *, import_id, seq, data):
    session.execute(import_chunks.insert().values(import_id=import_id, seq=seq, data=data))


def stored_size(session, import_id):
    """``(chunks, bytes)`` stored so far."""
    row = session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(sa.func.length(
        import_chunks.c.data)), 0)).where(import_chunks.c.import_id == import_id)).one()
    return row[0], int(row[1])


def write_file(session, import_id, file):
    """The import's file written to ``file``, chunk by chunk (one chunk in memory at a time)."""
    seqs = session.execute(sa.select(import_chunks.c.seq).where(import_chunks.c.import_id == import_id)
                           .order_by(import_chunks.c.seq)).scalars().all()
    for seq in seqs:
        file.write(session.execute(sa.select(import_chunks.c.data).where(
            import_chunks.c.import_id == import_id, import_chunks.c.seq == seq)).scalar())


# Runs -----------------------------------------------------------------------------------------------------

def add_run(session, *, job_id, import_id, kind, counts):
    session.execute(import_runs.insert().values(job_id=job_id, import_id=import_id, kind=kind, counts=counts))


def set_counts(session, job_id, counts):
    session.execute(import_runs.update().where(import_runs.c.job_id == job_id).values(counts=counts))


def run_of(session, job_id):
    return session.execute(sa.select(import_runs).where(import_runs.c.job_id == job_id)).mappings().first()


def latest_runs(session, import_id):
    return session.execute(sa.select(import_runs).where(import_runs.c.import_id == import_id)
                           .order_by(import_runs.c.created_at.desc())).mappings().all()


def statement_timeout(session):
    """The transaction's ``statement_timeout`` (as PostgreSQL shows it: ``'0'``, ``'12s'``, ``'1h'`` …)."""
    return session.execute(sa.text("SHOW statement_timeout")).scalar()


def set_statement_timeout(session, value):
    """``value`` (from ``statement_timeout``) for the current transaction only."""
    session.execute(sa.text("SELECT set_config('statement_timeout', :value, true)"), {"value": value})


def analyze(session, record_type):
    """Fresh planner statistics of the table an import fills (``ANALYZE``: a sample, not a scan; it blocks no write).
    The duplicates lookups of the next rows pick their indexes by them: a table the statistics think empty (a new
    installation, or autovacuum off) is walked row by row per key instead (bench/results/imports-2026-12-06.md)."""
    table = models.contacts if record_type == "contact" else models.accounts
    session.execute(sa.text(f"ANALYZE {table.schema}.{table.name}"))


# What an import did ------------------------------------------------------------------------------------------

def add_done(session, rows):
    if rows:
        session.execute(import_records.insert(), rows)


def done_records(session, import_id, *, action, after=None, limit=500):
    """A batch of the records the import ``action``-ed, by record id after ``after``."""
    query = sa.select(import_records).where(import_records.c.import_id == import_id,
                                            import_records.c.action == action)
    if after is not None:
        query = query.where(import_records.c.record_id > after)
    return session.execute(query.order_by(import_records.c.record_id).limit(limit)).mappings().all()


def count_done(session, import_id):
    return dict(session.execute(sa.select(import_records.c.action, sa.func.count()).where(
        import_records.c.import_id == import_id).group_by(import_records.c.action)).all())


# Records by key (visible ones only) ------------------------------------------------------------------------------

def key_column(record_type, key):
    """The column (an SQL expression) a key compares, and how a value is folded for it."""
    table = records.TABLES[record_type]
    if key == "id":
        return table.c.id, str
    if key == "email":
        if record_type == "contact":
            return table.c.email_norm, norms.fold
        return sa.func.lower(table.c.email), lambda value: str(value).strip().lower()
    return table.c.custom[key[len("custom."):]].astext, str


def matches(session, record_type, *, actor, list_ids, key, values):
    """``{folded value: [record ids]}`` of the visible records whose ``key`` is one of ``values`` (at most the
    first three ids per value: more than one is already an error)."""
    column, fold = key_column(record_type, key)
    folded = sorted({fold(v) for v in values if v not in (None, "")})
    if not folded:
        return {}
    table = records.TABLES[record_type]
    found = {}
    rows = session.execute(sa.select(column, table.c.id).where(
        column.in_(folded), records.visible(record_type, actor=actor, list_ids=list_ids)))
    for value, record_id in rows:
        ids = found.setdefault(value, [])
        if len(ids) < 3:
            ids.append(record_id)
    return found


def locked_visible(session, record_type, record_id, *, actor, list_ids):
    return records.get_visible(session, record_type, record_id, actor=actor, list_ids=list_ids, for_update=True)


def current(session, record_type, record_id):
    """The record as stored (deleted or not), for a revert's check of its version."""
    table = records.TABLES[record_type]
    return session.execute(sa.select(table).where(table.c.id == record_id)).mappings().first()
