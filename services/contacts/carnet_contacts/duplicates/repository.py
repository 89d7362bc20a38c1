"""The queries of duplicates (C-20): the records sharing a blocking key with a candidate (the check before a create
or an import, and the incremental scan), the full scan's blocking in SQL, the review queue and the scan state.

Blocking at 1M contacts: the full scan copies every record's keys (computed once in Python by ``matching``) into a
temporary table and lets PostgreSQL group them: only keys held by 2..``cap`` records make pairs, so Python scores
the few million candidate pairs instead of comparing records itself. The check asks the record tables through their
existing indexes (trigram on ``search_norm``, ``email_norm``, ``phone_digits``; the B-tree ``contacts_org_email``),
so it sees a record created a second ago. Every read of a record other than the scan's says who may see it:
``visible`` is the records area's predicate (C-2, L-2, L-3, S-4), None only for the organization-wide scan.
"""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, insert

from carnet_contacts.duplicates.tables import duplicate_pairs, duplicate_scans
from carnet_contacts.models import accounts, contacts
from carnet_contacts.records import repository as records
from carnet_contacts.records.repository import visibility

TABLES = {"contact": contacts, "account": accounts}
# What matching reads of a record (``matching.profile``); a contact's city is its own (not its account's).
PROFILE_COLUMNS = {
    "contact": ("id", "first_name", "last_name", "email", "phone", "mobile", "fax", "other_phone", "city",
                "updated_at"),
    "account": ("id", "name", "email", "phone", "fax", "website", "city", "updated_at"),
}


def _columns(record_type, table=None):
    table = TABLES[record_type] if table is None else table
    return [table.c[name] for name in PROFILE_COLUMNS[record_type]]


def visible(record_type, *, actor, list_ids):
    """The records area's visibility predicate on ``record_type``'s table (C-2), for ``*_visible`` arguments."""
    return records.visible(record_type, actor=actor, list_ids=list_ids)


def _like_escaped(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _pattern(record_type, kind, value):
    """What the key's records are found by: a value compared with ``=`` or contained in ``phone_keys``, or a LIKE
    pattern (escaped with ``\\``)."""
    if kind == "p" or (kind == "e" and record_type == "contact"):
        return value
    if kind == "d":
        return "%@" + _like_escaped(value) + ("" if record_type == "contact" else "%")
    return "%" + _like_escaped(value) + "%"


def _kind_column(record_type, kind):
    table = TABLES[record_type]
    if kind == "p":
        return table.c.phone_digits
    return table.c.email_norm if record_type == "contact" else table.c.search_norm


def _name_predicate(record_type, value):
    table = TABLES[record_type]
    name, city = value.split("|", 1)
    city_column = table.c.eff_city_norm if record_type == "contact" else table.c.city_norm
    return sa.and_(*(table.c.search_norm.contains(token, autoescape=True) for token in name.split()),
                   city_column == city)


def key_holders(session, record_type, *, org_id, keys, cap):
    """``{key: [record id, …]}`` of the active records of ``org_id`` holding each of ``keys`` (``matching`` keys),
    without the keys more than ``cap`` records hold (not discriminating, C-20). One statement per key kind whatever
    the number of keys: each value of an array is looked up by a LATERAL subquery capped at ``cap + 1`` rows, through
    the kind's index (``contacts_org_email`` or the trigram index of ``email_norm``, ``phone_keys``,
    the trigram index of ``search_norm``); name keys (blocked on only below the default threshold) one subquery each."""
    table = TABLES[record_type]
    by_kind = {}
    for key in keys:
        by_kind.setdefault(key[0], []).append(key)
    hits = {}
    for kind, kind_keys in sorted(by_kind.items()):
        if kind == "n":
            statement = sa.union_all(*(
                sa.select(sa.literal(key).label("key"), table.c.id)
                .where(table.c.org_id == org_id, table.c.deleted_at.is_(None), _name_predicate(record_type, key[2:]))
                .limit(cap + 1) for key in kind_keys))
        else:
            values = sa.func.unnest(sa.literal(kind_keys, ARRAY(sa.Text)),
                                    sa.literal([_pattern(record_type, kind, key[2:]) for key in kind_keys],
                                               ARRAY(sa.Text))).table_valued("key", "pattern").render_derived()
            column = _kind_column(record_type, kind)
            if kind == "p":   # the GIN index of migration 0010 (the last 10 digits of each number)
                matches = sa.func.contacts.phone_keys(column).op("@>")(postgresql.array([values.c.pattern]))
            elif kind == "e" and record_type == "contact":
                # ``<> ''`` lets the partial B-tree ``contacts_org_email`` serve (0.05 ms); without it the planner
                # took the trigram index, 28 ms per address at 1M contacts
                matches = sa.and_(column == values.c.pattern, column != "")
            else:
                matches = column.like(values.c.pattern, escape="\\")
            found = sa.select(table.c.id).where(table.c.org_id == org_id, table.c.deleted_at.is_(None), matches)
            # A LIMIT here would let the planner count on stopping early and walk the table (or the organization)
            # testing each row: at 20,000 rows into an import, 100 s for one batch's keys. Without it the key's
            # index is the cheap way; what a key holds past ``cap`` is dropped below, as before.
            found = (found.limit(cap + 1) if kind == "e" and record_type == "contact" else found).lateral()
            statement = sa.select(values.c.key, found.c.id).select_from(values.join(found, sa.true()))
        for key, record_id in session.execute(statement):
            hits.setdefault(key, []).append(record_id)
    return {key: ids for key, ids in hits.items() if len(ids) <= cap}


def visible_profile_rows(session, record_type, ids, *, visible_clause=None):
    """Rows (``PROFILE_COLUMNS``) of the records ``ids`` that ``visible_clause`` allows (all of them without)."""
    if not ids:
        return []
    table = TABLES[record_type]
    query = sa.select(*_columns(record_type)).where(table.c.id == sa.any_(sa.literal(sorted(ids), ARRAY(sa.Text))))
    if visible_clause is not None:
        query = query.where(visible_clause)
    return session.execute(query).mappings().all()


def profile_rows(session, record_type, ids):
    """Rows (``PROFILE_COLUMNS``) of the active records ``ids``."""
    table = TABLES[record_type]
    return session.execute(sa.select(*_columns(record_type)).where(
        table.c.id == sa.any_(sa.literal(list(ids), ARRAY(sa.Text))), table.c.deleted_at.is_(None))).mappings().all()


def changed_since(session, record_type, *, org_id, since, since_id, limit):
    """Up to ``limit`` rows of records of ``org_id`` changed after ``(since, since_id)`` in ``(updated_at, id)`` order
    (deleted ones too), oldest first: many records written by one transaction share one ``updated_at``."""
    table = TABLES[record_type]
    query = (sa.select(*_columns(record_type), table.c.deleted_at).where(table.c.org_id == org_id)
             .order_by(table.c.updated_at, table.c.id).limit(limit))
    if since is not None:
        query = query.where(sa.tuple_(table.c.updated_at, table.c.id) > sa.tuple_(since, since_id or ""))
    return session.execute(query).mappings().all()


def latest_change(session, record_type, *, org_id):
    """``(updated_at, id)`` of the organization's last changed record, or ``(None, None)``."""
    table = TABLES[record_type]
    row = session.execute(sa.select(table.c.updated_at, table.c.id).where(table.c.org_id == org_id)
                          .order_by(table.c.updated_at.desc(), table.c.id.desc()).limit(1)).first()
    return tuple(row) if row else (None, None)


# The full scan's blocking -------------------------------------------------------------------------------------

def profile_batches(session, record_type, *, org_id, batch=5000):
    """Every active record of ``org_id`` (``PROFILE_COLUMNS``), in batches walked by ``(updated_at, id)`` on the
    index ``(org_id, updated_at)``: each batch a statement of its own, so the COPY of ``load_keys`` may run between
    two (a server-side cursor would hold the connection that the COPY needs)."""
    table = TABLES[record_type]
    after = None
    while True:
        query = (sa.select(*_columns(record_type))
                 .where(table.c.org_id == org_id, table.c.deleted_at.is_(None))
                 .order_by(table.c.updated_at, table.c.id).limit(batch))
        if after is not None:
            query = query.where(sa.tuple_(table.c.updated_at, table.c.id) > sa.tuple_(*after))
        rows = session.execute(query).mappings().all()
        if not rows:
            return
        yield rows
        after = (rows[-1]["updated_at"], rows[-1]["id"])


def create_keys_table(session):
    """The transaction's temporary table ``duplicate_keys (key, id)`` (dropped at commit)."""
    session.execute(sa.text("CREATE TEMPORARY TABLE duplicate_keys (key text NOT NULL, id text NOT NULL) "
                            "ON COMMIT DROP"))


def copy_keys(session, rows):
    """Append ``rows`` of ``(key, id)`` to ``duplicate_keys`` by COPY."""
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy("COPY duplicate_keys (key, id) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def analyze_keys(session):
    session.execute(sa.text("ANALYZE duplicate_keys"))


def candidate_pairs(session, *, cap, kinds, batch=20000):
    """Distinct ``(a_id, b_id)`` (a < b) of records sharing a key held by 2..``cap`` records whose kind (its prefix
    before ``:``) is one of ``kinds``, in batches: numbered in a temporary table first, then read by ranges, so the
    caller may use the connection between two batches."""
    statement = sa.text("""
        CREATE TEMPORARY TABLE duplicate_candidates ON COMMIT DROP AS
        WITH blocks AS (
            SELECT key FROM duplicate_keys WHERE left(key, 1) = ANY(:kinds)
            GROUP BY key HAVING count(*) BETWEEN 2 AND :cap),
        pairs AS (
            SELECT DISTINCT a.id AS a_id, b.id AS b_id FROM blocks k
            JOIN duplicate_keys a ON a.key = k.key JOIN duplicate_keys b ON b.key = k.key AND a.id < b.id)
        SELECT row_number() OVER () AS n, a_id, b_id FROM pairs
    """).bindparams(sa.bindparam("kinds", type_=ARRAY(sa.Text)))
    session.execute(statement, {"cap": cap, "kinds": list(kinds)})
    session.execute(sa.text("CREATE INDEX ON duplicate_candidates (n)"))
    start = 1
    while True:
        rows = session.execute(sa.text("SELECT a_id, b_id FROM duplicate_candidates WHERE n >= :start AND n < :end"),
                               {"start": start, "end": start + batch}).all()
        if not rows:
            return
        yield [tuple(row) for row in rows]
        start += batch


# The review queue ---------------------------------------------------------------------------------------------

def upsert_pairs(session, *, org_id, record_type, pairs, found_at, scan_id):
    """Insert or refresh ``pairs`` (dicts a_id, b_id, score, reasons); a dismissed pair stays dismissed."""
    if not pairs:
        return
    rows = [{"org_id": org_id, "record_type": record_type, "status": "open", "found_at": found_at,
             "scan_id": scan_id, **pair} for pair in pairs]
    statement = insert(duplicate_pairs)
    session.execute(statement.on_conflict_do_update(
        index_elements=["org_id", "record_type", "a_id", "b_id"],
        set_={"score": statement.excluded.score, "reasons": statement.excluded.reasons,
              "scan_id": statement.excluded.scan_id}), rows)


def drop_open_pairs(session, *, org_id, record_type, not_scan_id=None, record_ids=None, keep=()):
    """Forget open pairs no longer found: of the whole organization but the scan ``not_scan_id`` (a full scan's end),
    or those of ``record_ids`` but the pairs ``keep`` (an incremental check)."""
    p = duplicate_pairs.c
    query = duplicate_pairs.delete().where(p.org_id == org_id, p.record_type == record_type, p.status == "open")
    if not_scan_id is not None:
        query = query.where(sa.or_(p.scan_id.is_(None), p.scan_id != not_scan_id))
    if record_ids is not None:
        ids = sa.literal(list(record_ids), ARRAY(sa.Text))
        query = query.where(sa.or_(p.a_id == sa.any_(ids), p.b_id == sa.any_(ids)))
        for a_id, b_id in keep:
            query = query.where(sa.not_(sa.and_(p.a_id == a_id, p.b_id == b_id)))
    return session.execute(query).rowcount


def _visible_pairs(record_type, *, actor, list_ids, status):
    """FROM/WHERE of the pairs of ``status`` whose two records ``actor`` sees (aliases, so neither correlates)."""
    table = TABLES[record_type]
    members, member_key = records.MEMBERS[record_type]
    a, b = table.alias("a"), table.alias("b")
    ma, mb = members.alias("ma"), members.alias("mb")
    p = duplicate_pairs.c
    where = [p.org_id == actor["org_id"], p.record_type == record_type, p.status == status,
             visibility.record_visible(a, ma, member_key, actor=actor, list_ids=list_ids),
             visibility.record_visible(b, mb, member_key, actor=actor, list_ids=list_ids)]
    joined = duplicate_pairs.join(a, a.c.id == p.a_id).join(b, b.c.id == p.b_id)
    return joined, where


def queue_page(session, record_type, *, actor, list_ids, page, per_page, record_id=None):
    """``(rows, total)``: open pairs both of whose records ``actor`` sees, highest score first; with ``record_id``,
    only its pairs."""
    joined, where = _visible_pairs(record_type, actor=actor, list_ids=list_ids, status="open")
    p = duplicate_pairs.c
    if record_id is not None:
        where.append(sa.or_(p.a_id == record_id, p.b_id == record_id))
    total = session.execute(sa.select(sa.func.count()).select_from(joined).where(*where)).scalar()
    rows = session.execute(
        sa.select(p.a_id, p.b_id, p.score, p.reasons, p.found_at).select_from(joined).where(*where)
        .order_by(p.score.desc(), p.a_id, p.b_id).limit(per_page).offset((page - 1) * per_page)).mappings().all()
    return rows, total


def dismiss(session, record_type, *, actor, list_ids, a_id, b_id, at):
    """Dismiss the open pair (a_id, b_id) if ``actor`` sees both records; True when it did."""
    joined, where = _visible_pairs(record_type, actor=actor, list_ids=list_ids, status="open")
    p = duplicate_pairs.c
    found = session.execute(sa.select(p.a_id).select_from(joined).where(*where, p.a_id == a_id, p.b_id == b_id)
                            .with_for_update(of=duplicate_pairs)).first()
    if found is None:
        return False
    session.execute(duplicate_pairs.update().where(
        p.org_id == actor["org_id"], p.record_type == record_type, p.a_id == a_id, p.b_id == b_id)
        .values(status="dismissed", dismissed_by=actor["user_id"], dismissed_at=at))
    return True


# Scan state ---------------------------------------------------------------------------------------------------

def request_scan(session, *, org_id, record_type, user_id, at):
    statement = insert(duplicate_scans).values(org_id=org_id, record_type=record_type, requested_at=at,
                                               requested_by=user_id)
    session.execute(statement.on_conflict_do_update(
        index_elements=["org_id", "record_type"], set_={"requested_at": at, "requested_by": user_id}))


def scan_state(session, *, org_id, record_type):
    return session.execute(sa.select(duplicate_scans).where(
        duplicate_scans.c.org_id == org_id, duplicate_scans.c.record_type == record_type)).mappings().first()


def scan_requested(session):
    return session.execute(sa.select(sa.exists().where(duplicate_scans.c.requested_at.is_not(None)))).scalar()


def next_scan(session):
    """Lock and return the oldest requested full scan that no other worker holds (SKIP LOCKED), or None."""
    s = duplicate_scans.c
    return session.execute(sa.select(duplicate_scans).where(s.requested_at.is_not(None)).order_by(s.requested_at)
                           .with_for_update(skip_locked=True).limit(1)).mappings().first()


def incremental_candidates(session):
    """Scan states already scanned once, oldest watermark first (the incremental check visits each)."""
    s = duplicate_scans.c
    return session.execute(sa.select(s.org_id, s.record_type).where(s.finished_at.is_not(None))
                           .order_by(s.scanned_until.nulls_first())).all()


def lock_scan(session, *, org_id, record_type):
    s = duplicate_scans.c
    return session.execute(sa.select(duplicate_scans).where(s.org_id == org_id, s.record_type == record_type)
                           .with_for_update(skip_locked=True)).mappings().first()


def update_scan(session, *, org_id, record_type, **values):
    s = duplicate_scans.c
    session.execute(duplicate_scans.update().where(s.org_id == org_id, s.record_type == record_type).values(**values))
