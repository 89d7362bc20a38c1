"""The queries of contacts and accounts (SQLAlchemy Core over ``models``): reads and writes, memberships, history,
the capped search page; with the predicate builders beside it (``visibility.py``, ``criteria.py``,
``summary_visibility.py``), the only place the records area builds SQL (docs/conventions.md). Other areas' repositories
reuse its visibility rule (``visible``) and tables (``TABLES``, ``MEMBERS``); their use cases read and write records
through it. ``now()`` is the time this service stamps on what it writes.
"""
import functools
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from carnet_common.db import planner_estimate
from carnet_contacts.models import (
    account_members,
    accounts,
    contacts,
    custom_fields,
    history,
    list_members,
    rep_users,
)
from carnet_contacts.records import search_terms
from carnet_contacts.records.repository import visibility

# The hit set is capped: its exact size is free below the cap; above it the planner's estimate is given
# (docs/performance.md §2).
# Past an estimate of HIT_CAP hits, the page walks the sort index directly. Estimates were within
# −9 %…+49 % (docs/performance.md §2), so an estimate above the cap means at least ~7,000 real hits
# (≥ 0.7 % of 1M): the walk then finds a page in 10–17 ms, where building the capped set cost ~100 ms for
# every city of 10,000–50,000 contacts (`c:` searches, bench/results/contacts-2026-11-25-quiet.md).
HIT_CAP = 10_000
ICU = "und-x-icu"


def now():
    return datetime.now(timezone.utc)


# Memberships -----------------------------------------------------------------------------------------

MEMBERS = {"contact": (list_members, "contact_id"), "account": (account_members, "account_id")}


def member_list_ids(session, record_type, record_ids):
    """``{record_id: [list_id, …]}`` for the given records."""
    table, key = MEMBERS[record_type]
    result = {record_id: [] for record_id in record_ids}
    if record_ids:
        for row in session.execute(sa.select(table.c[key], table.c.list_id)
                                   .where(table.c[key].in_(list(record_ids)))
                                   .order_by(table.c.list_id)):
            result[row[0]].append(row[1])
    return result


def set_members(session, record_type, record_id, list_ids):
    table, key = MEMBERS[record_type]
    session.execute(table.delete().where(table.c[key] == record_id))
    if list_ids:
        session.execute(table.insert(), [{"list_id": i, key: record_id} for i in list_ids])


# Records (contacts and accounts) ---------------------------------------------------------------------

TABLES = {"contact": contacts, "account": accounts}


def insert_record(session, record_type, values):
    session.execute(TABLES[record_type].insert().values(**values))


def update_record(session, record_type, record_id, values):
    table = TABLES[record_type]
    session.execute(table.update().where(table.c.id == record_id).values(**values))


def visible(record_type, *, actor, list_ids):
    table = TABLES[record_type]
    members, key = MEMBERS[record_type]
    return visibility.record_visible(table, members, key, actor=actor, list_ids=list_ids)


def with_ids(record_type, ids):
    """Predicate: the records of ``ids``."""
    return TABLES[record_type].c.id.in_(list(ids))


def of_account(account_id):
    """Predicate: contacts of the account (C-7)."""
    return contacts.c.account_id == account_id


def get_visible(session, record_type, record_id, *, actor, list_ids, for_update=False):
    table = TABLES[record_type]
    query = sa.select(table).where(table.c.id == record_id,
                                   visible(record_type, actor=actor, list_ids=list_ids))
    if for_update:
        query = query.with_for_update(of=table)
    return session.execute(query).mappings().first()


# Reads as a caller sees them ------------------------------------------------------------------------------
# A get-by-id sent five statements (the caller's lists, the record, its lists, its account's name, the custom
# field definitions), each a round trip and each built anew; a search page three after its ids. These read
# everything in one statement built once per shape, with bind parameters (issue 9 §3, cuts 3 and 6).

MODULES = {"contact": "contacts", "account": "accounts"}


def _read_columns(record_type, accessible):
    """The record's columns, ``read_account_name`` (contacts), ``read_list_ids``: the ids of its lists among
    ``accessible`` (an array or a subquery of list ids) in id order."""
    table = TABLES[record_type]
    members, key = MEMBERS[record_type]
    in_reach = (members.c.list_id.in_(accessible) if isinstance(accessible, sa.sql.expression.Selectable)
                else members.c.list_id == sa.any_(accessible))
    list_ids = sa.func.array(sa.select(members.c.list_id).where(members.c[key] == table.c.id, in_reach)
                             .order_by(members.c.list_id).scalar_subquery())
    columns = [table, list_ids.label("read_list_ids")]
    if record_type == "contact":
        columns.append(sa.select(accounts.c.name).where(accounts.c.id == contacts.c.account_id)
                       .scalar_subquery().label("read_account_name"))
    return columns


@functools.cache
def _read_visible_statement(record_type, admin, every_rep):
    # Imported here: lists' repository imports this module.
    from carnet_contacts.lists.repository import scope_subqueries
    accessible, selected = scope_subqueries(admin=admin)
    table = TABLES[record_type]
    members, key = MEMBERS[record_type]
    hidden = (sa.select(sa.func.coalesce(sa.func.jsonb_object_agg(custom_fields.c.key, custom_fields.c.hidden),
                                         sa.cast(sa.literal("{}"), JSONB)))
              .where(custom_fields.c.org_id == table.c.org_id, custom_fields.c.module == MODULES[record_type])
              .scalar_subquery())
    visible_rule = visibility.visible_in(table, members, key, org_id=sa.bindparam("org_id"), scope=selected,
                                         reps=None if every_rep else visibility.id_array("rep_ids"))
    return (sa.select(*_read_columns(record_type, accessible), hidden.label("read_custom_hidden"))
            .where(table.c.id == sa.bindparam("record_id"), visible_rule))


def read_visible(session, record_type, record_id, *, actor):
    """The record ``actor`` sees, or None, in one statement: its row with ``read_account_name`` (contacts) and
    ``read_list_ids`` (its lists the caller may access), and ``read_custom_hidden``, ``{key: hidden}`` of every
    custom field of its module (C-14). The visibility rule is ``visibility.visible_in`` over the caller's lists
    as lists' repository defines them, evaluated in the same statement (same snapshot, no list read first)."""
    reps = visibility.rep_ids(actor)
    params = {"record_id": record_id, "org_id": actor["org_id"], "user_id": actor["user_id"]}
    if reps is not None:
        params["rep_ids"] = reps
    statement = _read_visible_statement(record_type, bool(actor.get("is_admin")), reps is None)
    return session.execute(statement, params).mappings().first()


@functools.cache
def _reads_by_ids_statement(record_type):
    table = TABLES[record_type]
    return (sa.select(*_read_columns(record_type, visibility.id_array("accessible")))
            .where(table.c.id == sa.any_(visibility.id_array("ids"))))


def reads_by_ids(session, record_type, ids, *, accessible):
    """The rows of ``ids`` in that order, with ``read_account_name`` (contacts) and ``read_list_ids`` (among the
    ``accessible`` list ids), in one statement."""
    rows = session.execute(_reads_by_ids_statement(record_type),
                           {"ids": list(ids), "accessible": list(accessible)}).mappings().all()
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def get_account(session, account_id):
    return session.execute(sa.select(accounts).where(accounts.c.id == account_id)).mappings().first()


def contacts_by_ids(session, ids):
    rows = session.execute(sa.select(contacts).where(contacts.c.id.in_(list(ids)))).mappings().all()
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def accounts_by_ids(session, ids):
    rows = session.execute(sa.select(accounts).where(accounts.c.id.in_(list(ids)))).mappings().all()
    by_id = {row["id"]: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def contacts_of_account(session, account_id):
    return session.execute(sa.select(contacts).where(contacts.c.account_id == account_id,
                                                     contacts.c.deleted_at.is_(None))
                           .with_for_update()).mappings().all()


# Search ------------------------------------------------------------------------------------------------

TERM_COLUMNS = {
    "contact": {"text": "search_norm", "title": "title_norm", "phone": "phone_digits", "city": "eff_city_norm",
                "street": "eff_street_norm", "email": "email_norm"},
    "account": {"text": "search_norm", "phone": "phone_digits", "city": "city_norm", "street": "street_norm",
                "email": "search_norm"},
}


ACCOUNT_TERM_COLUMNS = {"city": "city_norm", "street": "street_norm"}


def account_term_clause(term, *, actor, list_ids):
    """Predicate on contacts, beside a ``c:``/``a:`` term (``term_clause``): the contact has no account (the term
    matched its own city or street), or its account is one ``actor`` sees in ``list_ids`` (C-2) and has that city or
    street. A contact of an account the caller cannot see (another list, another rep's, in the trash) shows that
    account's name and id only (C-8, issue 10 §1): its city and street select nothing.

    The accounts are those of the city (street) first, found by their own index and hashed once (an uncorrelated
    subquery): asking each candidate contact whether its account is visible hashed every visible account of the
    organization instead (6,000 at 300k contacts), 20 ms even when the page walked the sort index for 50 rows.
    Left out of the planner's estimate (``unestimated``): it cannot know how many accounts the caller sees and
    guesses half, which halved the estimate of every ``c:``/``a:`` search and sent dense ones (``a:rue``, 12,000
    hits at 300k contacts) down the capped path to count 10,000 hits before walking the index anyway."""
    if actor is None:
        return contacts.c.account_id.is_(None)
    account, members = accounts.alias("term_account"), account_members.alias()
    matching = sa.select(account.c.id).where(_matches(account.c[ACCOUNT_TERM_COLUMNS[term.kind]], term),
                                             visibility.record_visible(account, members, "account_id",
                                                                       actor=actor, list_ids=list_ids))
    return unestimated(sa.or_(contacts.c.account_id.is_(None), contacts.c.account_id.in_(matching)))


def unestimated(predicate):
    """``predicate``, marked to be left out of ``search_page``'s estimate (it still selects, of course)."""
    predicate.carnet_unestimated = True
    return predicate


def folded(expression):
    """``norms.fold`` in SQL: lower case, accents off (``f_unaccent``), runs of spaces as one, trimmed."""
    return sa.func.btrim(sa.func.regexp_replace(sa.func.contacts.f_unaccent(sa.func.lower(expression)),
                                                r"\s+", " ", "g"))


def _matches(column, term):
    if term.short and term.kind != "phone":
        # Under three characters a trigram index cannot help: match the start of a word instead.
        prefix = search_terms.escape_like(term.value)
        return sa.or_(column.like(prefix + "%", escape="\\"), column.like("% " + prefix + "%", escape="\\"))
    return column.like(search_terms.like_contains(term.value), escape="\\")


def _readable_parts(record_type, reads, skip):
    """The folded values a term over a combined column (``search_norm``) may compare when the caller may not read
    every field it holds (``skip``): each readable field, the first and last names as one (a quoted term may span
    them, as in ``search_norm``). Each is a run of ``search_norm`` itself, so a part that matches means the stored
    column matches too: the index still finds the candidates, the parts decide."""
    shown = [name for name in reads if name not in skip]
    table = TABLES[record_type]
    if record_type == "account":
        return [folded(table.c[name]) for name in shown]
    parts = []
    names = [table.c[name] for name in ("first_name", "last_name") if name in shown]
    if names:
        parts.append(folded(sa.func.concat_ws(" ", *names)))
    if "email" in shown:
        parts.append(contacts.c.email_norm)
    if "account_name" in shown:
        account = accounts.alias("text_account")
        parts.append(folded(sa.select(account.c.name).where(account.c.id == contacts.c.account_id)
                            .scalar_subquery()))
    return parts


def term_clause(record_type, term, *, org_id, skip=frozenset(), accounts_checked=False):
    """One search term as a predicate; None when the term does not apply to this record type.

    ``skip``: fields of the term's stored column the caller may not read (``search_terms.skipped``, S-3): the term
    then matches only through the others. On contacts, ``c:`` and ``a:`` match the city and street of an account the
    caller sees, or the contact's own when it has none (issue 10 §1): ``accounts_checked`` says that the predicates
    hold the term's ``account_term_clause`` too (``record_predicates``); without it, they match contacts without an
    account only."""
    table = TABLES[record_type]
    if term.kind == "id":
        return table.c.id == term.value
    if term.kind == "status":   # C-24: s:active, s:inactive; s:all asks for both
        return sa.true() if term.value == "all" else status_is(record_type, term.value)
    if term.kind in ("rep1", "rep2"):
        reps = sa.select(rep_users.c.id).where(rep_users.c.org_id == org_id,
                                               rep_users.c.name_norm.like(search_terms.like_contains(term.value),
                                                                          escape="\\"))
        return table.c[term.kind + "_id"].in_(reps)
    name = TERM_COLUMNS[record_type].get(term.kind)
    if name is None:
        return None
    clause = _matches(table.c[name], term)
    if record_type == "contact" and term.kind in ("city", "street"):
        clause = clause if accounts_checked else sa.and_(clause, contacts.c.account_id.is_(None))
    reach = search_terms.reach(record_type, term)
    if reach is not None and set(skip) & set(reach.reads):
        parts = _readable_parts(record_type, reach.reads, skip)
        clause = sa.and_(clause, sa.or_(*[_matches(part, term) for part in parts])) if parts else sa.false()
    return clause


def status_is(record_type, status):
    """C-24: the records of ``status`` (``active`` or ``inactive``)."""
    return TABLES[record_type].c.status == status


def search_page(session, record_type, *, predicates, page, per_page, sort):
    """``(ids, total, capped)``: the adaptive capped hit set of docs/performance.md §2.

    The hit set (≤ HIT_CAP + 1 rows) is built first and fenced, so the planner cannot walk the name
    index and filter; the page and the exact total come from it in one statement. Past the cap, hits are
    dense: the plain page query walks the sort index, and the total is the planner's estimate.
    ``sort`` is ``[(expression, icu, descending), …]`` ending with the id tie-break (criteria.sort_keys).
    """
    table = TABLES[record_type]
    offset = (page - 1) * per_page
    # When the planner expects more hits than the cap (0.1 ms to ask), building the capped set only
    # to learn that it is full costs up to a second at 1M contacts: go straight to the dense path.
    estimate = planner_estimate(session, sa.select(table.c.id).where(
        *[p for p in predicates if not getattr(p, "carnet_unestimated", False)]))
    if estimate > HIT_CAP:
        return _dense_page(session, table, predicates, sort, per_page, offset), estimate, True
    hits = (sa.select(table.c.id, *(expression.label(f"s{i}") for i, (expression, _, _) in enumerate(sort)))
            .where(*predicates).limit(HIT_CAP + 1).cte("hits").prefix_with("MATERIALIZED"))
    total = sa.select(sa.func.count()).select_from(hits).scalar_subquery()
    order = order_clauses([(hits.c[f"s{i}"], icu, desc) for i, (_, icu, desc) in enumerate(sort)])
    rows = session.execute(sa.select(hits.c.id, total.label("total")).order_by(*order)
                           .limit(per_page).offset(offset)).all()
    count = rows[0].total if rows else session.execute(sa.select(total)).scalar()
    if count <= HIT_CAP:
        return [r.id for r in rows], count, False
    return _dense_page(session, table, predicates, sort, per_page, offset), max(estimate, HIT_CAP + 1), True


def _dense_page(session, table, predicates, sort, per_page, offset):
    """Hits are dense: walking the sort index and filtering finds a page quickly."""
    page_query = sa.select(table.c.id).where(*predicates).order_by(*order_clauses(sort)).limit(per_page).offset(offset)
    return list(session.scalars(page_query))


def order_clauses(keys):
    """Text in ICU order ("Émond" before "Z"), empty values last in both directions."""
    order = []
    for expression, icu, descending in keys:
        expression = expression.collate(ICU) if icu else expression
        order.append((expression.desc() if descending else expression.asc()).nulls_last())
    return order


# History ------------------------------------------------------------------------------------------------

def add_history(session, rows):
    if rows:
        session.execute(history.insert(), rows)


def list_history(session, record_type, record_id, *, limit=500):
    return session.execute(sa.select(history).where(history.c.record_type == record_type,
                                                    history.c.record_id == record_id)
                           .order_by(history.c.id.desc()).limit(limit)).mappings().all()
