"""The queries of exports (C-18) and of their jobs (N-4, ``STORE``: the kit's queries over this schema's ``jobs``
and ``job_files``): the only module of the area that builds SQL (docs/conventions.md).

Rows are streamed with a server-side cursor (``yield_per``: psycopg's named cursor, 5,000 rows a fetch),
so an export of 100,000 contacts holds one batch in memory, not the result.
"""
import sqlalchemy as sa

from carnet_common.jobs import JobStore
from carnet_contacts import models
from carnet_contacts.models import accounts, contacts, job_files, jobs, rep_users
from carnet_contacts.records import repository

BATCH = 5_000
STORE = JobStore(jobs, job_files)


def count_capped(session, record_type, *, predicates, cap):
    """How many records match, counting no further than ``cap + 1``."""
    table = repository.TABLES[record_type]
    capped = sa.select(table.c.id).where(*predicates).limit(cap + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(capped)).scalar()


def count(session, record_type, *, predicates):
    table = repository.TABLES[record_type]
    return session.execute(sa.select(sa.func.count()).select_from(table).where(*predicates)).scalar()


def _source_columns(table, keys, prefix=""):
    """The table's columns the export needs (only those: unreadable fields are never even read)."""
    return [table.c[key[len(prefix):]].label(key) for key in keys
            if key.startswith(prefix) and key[len(prefix):] in table.c]


def stream_rows(session, record_type, *, predicates, sort, columns):
    """Batches (lists of mappings) of the records ``predicates`` select, in ``sort`` (the search's keys)."""
    table = repository.TABLES[record_type]
    keys = [col.key for col in columns]
    account_keys = [k for k in keys if k.startswith("account_")] if record_type == "contact" else []
    selected = _source_columns(table, [k for k in keys if k not in account_keys])
    if any(col.custom_type for col in columns):
        selected.append(table.c.custom)
    source = table
    for rep in ("rep1", "rep2"):
        if rep + "_name" in keys:
            alias = rep_users.alias(rep)
            source = source.outerjoin(alias, alias.c.id == table.c[rep + "_id"])
            selected.append(sa.func.coalesce(alias.c.full_name, table.c[rep + "_id"]).label(rep + "_name"))
    if account_keys:
        source = source.outerjoin(accounts, accounts.c.id == contacts.c.account_id)
        selected += _source_columns(accounts, account_keys, prefix="account_")
    query = sa.select(*selected).select_from(source).where(*predicates).order_by(*repository.order_clauses(sort))
    result = session.execute(query, execution_options={"yield_per": BATCH})
    for partition in result.mappings().partitions():
        yield partition


def custom_definitions(session, *, org_id, record_type, denied_keys):
    """The custom fields shown in exports: not hidden, readable by the caller's role, in their order."""
    table = getattr(models, "custom_fields", None)
    if table is None:
        return []
    module = "contacts" if record_type == "contact" else "accounts"
    rows = session.execute(sa.select(table.c.key, table.c.type, table.c.label_en, table.c.label_fr)
                           .where(table.c.org_id == org_id, table.c.module == module,
                                  sa.not_(table.c.hidden))
                           .order_by(table.c.position, table.c.key)).mappings().all()
    denied = set(denied_keys)
    return [dict(row) for row in rows if row["key"] not in denied]

