"""The queries of exports (C-18) and of their jobs (N-4, ``STORE``: the kit's queries over this schema's ``jobs``
and ``job_files``): the only module of the area that builds SQL (docs/conventions.md).

Rows are streamed with a server-side cursor (``yield_per``: psycopg's named cursor, 5,000 rows a fetch) as tuples,
so an export of 100,000 contacts holds one batch in memory, not the result.
"""
import sqlalchemy as sa

from carnet_common import xlsx
from carnet_common.jobs import JobStore
from carnet_contacts import models
from carnet_contacts.exports import export_xlsx
from carnet_contacts.lists import repository as lists_repository
from carnet_contacts.models import account_members, accounts, contacts, job_files, jobs, rep_users
from carnet_contacts.records import repository
from carnet_contacts.records.repository import visibility

BATCH = 5_000
STORE = JobStore(jobs, job_files)


def count_capped(session, record_type, *, predicates, cap):
    """How many records match, counting no further than ``cap + 1``."""
    table = repository.TABLES[record_type]
    capped = sa.select(table.c.id).where(*predicates).limit(cap + 1).subquery()
    return session.execute(sa.select(sa.func.count()).select_from(capped)).scalar()


def _selected(table, column, joined, zone):
    """The expression of ``column`` of the export (``joined``: the aliases of the tables joined so far); a timestamp
    as the wall-clock time in ``zone`` (N-6: ``timezone(zone, t)``, a timestamp without time zone, as a sheet holds
    it)."""
    key = column.key
    if column.kind == xlsx.DATETIME:
        return sa.func.timezone(sa.cast(zone, sa.Text), table.c[key])
    if key.startswith("custom."):
        return table.c.custom[key[len("custom."):]]    # jsonb ``->``: the stored value, decoded
    if key in ("rep1_name", "rep2_name"):
        rep = key[:len("rep1")]
        return sa.func.coalesce(joined[rep].c.full_name, table.c[rep + "_id"])
    if key in ("account_id", "account_name") and table is contacts:
        return joined["account"].c[key[len("account_"):]]
    if key.startswith("account_") and table is contacts:
        return joined["shown_account"].c[key[len("account_"):]]
    return table.c[key]


def stream_rows(session, record_type, *, predicates, sort, columns, counted=False, actor=None):
    """Batches (lists of rows: one value per column of ``columns``, in their order) of the records ``predicates``
    select, in ``sort`` (the search's keys). Only the columns the export has are read (an unreadable field is never
    even read); a custom field's value is its stored JSON. With ``counted``, each row ends with how many rows the
    selection holds (``count(*) OVER ()``: counted while the rows are sorted, where a count of its own scanned the
    1M contacts again, 1.5–2.4 s for a job's progress; bench/results/export-2026-12-06.md).

    Timestamps are the wall-clock time of the organization's zone (``actor["timezone"]``, N-6), as the sheet's
    headers say (export_xlsx.py).

    A contact's account columns are those of an account ``actor`` sees (C-2); of another's (another list, another
    rep's, in the trash), the row has the account's id and name only, as the contact's GET shows it (C-8, issue 10
    §1); without an actor, every account is another's. A rep's name is looked up in the record's organization only.

    ``cursor_tuple_fraction = 1`` tells the planner that every row of the cursor will be fetched: with the default
    (a tenth), it chose to walk the sort's index and filter, 8.4 s for 100,000 of 1M contacts where the sorted
    scan takes 3.1 s."""
    table = repository.TABLES[record_type]
    keys = {col.key for col in columns}
    source, joined = table, {}
    for rep in ("rep1", "rep2"):
        if rep + "_name" in keys:
            joined[rep] = rep_users.alias(rep)
            source = source.outerjoin(joined[rep], sa.and_(joined[rep].c.id == table.c[rep + "_id"],
                                                           joined[rep].c.org_id == table.c.org_id))
    if record_type == "contact" and any(key.startswith("account_") for key in keys):
        joined["account"] = accounts.alias("account")
        source = source.outerjoin(joined["account"], joined["account"].c.id == contacts.c.account_id)
        if any(key.startswith("account_") and key not in ("account_id", "account_name") for key in keys):
            joined["shown_account"] = shown = accounts.alias("shown_account")
            visible = sa.false() if actor is None else visibility.record_visible(
                shown, account_members.alias(), "account_id", actor=actor, list_ids=_selected_lists(session, actor))
            source = source.outerjoin(shown, sa.and_(shown.c.id == contacts.c.account_id, visible))
    zone = (actor or {}).get("timezone") or export_xlsx.DEFAULT_TIMEZONE
    selected = [_selected(table, col, joined, zone) for col in columns]
    if counted:
        selected.append(sa.func.count().over())
    query = sa.select(*selected).select_from(source).where(*predicates).order_by(*repository.order_clauses(sort))
    session.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1"))
    yield from session.execute(query, execution_options={"yield_per": BATCH}).partitions()


def _selected_lists(session, actor):
    """The caller's selected lists they may access (L-2), the scope of the visibility rule."""
    return [list_id for list_id, selected in lists_repository.scope_ids(session, actor) if selected]


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

