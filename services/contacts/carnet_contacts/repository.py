"""The only module that builds queries (SQLAlchemy Core over ``models``)."""
from datetime import datetime, timezone

import sqlalchemy as sa

from carnet_common.db import planner_estimate
from carnet_contacts import search, visibility
from carnet_contacts.models import (
    account_members,
    accounts,
    contacts,
    custom_fields,
    history,
    layouts,
    list_grants,
    list_members,
    lists,
    rep_users,
    saved_filters,
    selected_lists,
    user_sorts,
)

# The hit set is capped: its exact size is free below the cap; above it the planner's estimate is given
# (research/perf-limits.md §3b, §5.3).
# Past an estimate of HIT_CAP hits, the page walks the sort index directly. Estimates were within
# −9 %…+49 % (research/perf-limits.md §3c), so an estimate above the cap means at least ~7,000 real hits
# (≥ 0.7 % of 1M): the walk then finds a page in 10–17 ms, where building the capped set cost ~100 ms for
# every city of 10,000–50,000 contacts (`c:` searches, bench/results/contacts-2026-11-25-quiet.md).
HIT_CAP = 10_000
ICU = "und-x-icu"


def now():
    return datetime.now(timezone.utc)


def insert(session, table, values):
    session.execute(table.insert().values(**values))


def update(session, table, row_id, values):
    session.execute(table.update().where(table.c.id == row_id).values(**values))


# Lists -----------------------------------------------------------------------------------------------

def accessible_lists(session, actor):
    """Every list ``actor`` may access, each with ``selected`` (L-2)."""
    selected = sa.exists(sa.select(1).where(selected_lists.c.list_id == lists.c.id,
                                            selected_lists.c.user_id == actor["user_id"]))
    return session.execute(
        sa.select(lists, selected.label("selected"))
        .where(visibility.list_accessible(lists, list_grants, actor))
        .order_by(lists.c.name.collate(ICU), lists.c.id)).mappings().all()


def existing_list_ids(session, list_ids):
    """Which of ``list_ids`` exist in any organization (to tell unknown ids from invisible ones)."""
    if not list_ids:
        return set()
    return set(session.scalars(sa.select(lists.c.id).where(lists.c.id.in_(list(list_ids)))))


def get_list(session, list_id, *, for_update=False):
    query = sa.select(lists).where(lists.c.id == list_id)
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().first()


def delete_list(session, list_id):
    session.execute(lists.delete().where(lists.c.id == list_id))


def list_grant_user_ids(session, list_id):
    return list(session.scalars(sa.select(list_grants.c.user_id).where(list_grants.c.list_id == list_id)
                                .order_by(list_grants.c.user_id)))


def set_list_grants(session, list_id, user_ids):
    session.execute(list_grants.delete().where(list_grants.c.list_id == list_id))
    if user_ids:
        session.execute(list_grants.insert(), [{"list_id": list_id, "user_id": u} for u in user_ids])


def select_list(session, *, user_id, list_id):
    session.execute(sa.dialects.postgresql.insert(selected_lists)
                    .values(user_id=user_id, list_id=list_id).on_conflict_do_nothing())


def set_selected_lists(session, *, user_id, list_ids):
    """Replace the user's selection (rows of lists they no longer access go too)."""
    session.execute(selected_lists.delete().where(selected_lists.c.user_id == user_id))
    if list_ids:
        session.execute(selected_lists.insert(), [{"user_id": user_id, "list_id": i} for i in list_ids])


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


def visible(record_type, *, actor, list_ids):
    table = TABLES[record_type]
    members, key = MEMBERS[record_type]
    return visibility.record_visible(table, members, key, actor=actor, list_ids=list_ids)


def get_visible(session, record_type, record_id, *, actor, list_ids, for_update=False):
    table = TABLES[record_type]
    query = sa.select(table).where(table.c.id == record_id,
                                   visible(record_type, actor=actor, list_ids=list_ids))
    if for_update:
        query = query.with_for_update(of=table)
    return session.execute(query).mappings().first()


def get_account(session, account_id):
    return session.execute(sa.select(accounts).where(accounts.c.id == account_id)).mappings().first()


def account_names(session, account_ids):
    ids = [i for i in set(account_ids) if i]
    if not ids:
        return {}
    return dict(session.execute(sa.select(accounts.c.id, accounts.c.name).where(accounts.c.id.in_(ids))).all())


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


def term_clause(record_type, term, *, org_id):
    """One search term as a predicate; None when the term does not apply to this record type."""
    table = TABLES[record_type]
    if term.kind == "id":
        return table.c.id == term.value
    if term.kind in ("rep1", "rep2"):
        reps = sa.select(rep_users.c.id).where(rep_users.c.org_id == org_id,
                                               rep_users.c.name_norm.like(search.like_contains(term.value),
                                                                          escape="\\"))
        return table.c[term.kind + "_id"].in_(reps)
    name = TERM_COLUMNS[record_type].get(term.kind)
    if name is None:
        return None
    column = table.c[name]
    if term.short and term.kind != "phone":
        # Under three characters a trigram index cannot help: match the start of a word instead.
        prefix = search.escape_like(term.value)
        return sa.or_(column.like(prefix + "%", escape="\\"), column.like("% " + prefix + "%", escape="\\"))
    return column.like(search.like_contains(term.value), escape="\\")


def search_page(session, record_type, *, predicates, page, per_page, sort):
    """``(ids, total, capped)``: the adaptive capped hit set of research/perf-limits.md §5.2.

    The hit set (≤ HIT_CAP + 1 rows) is built first and fenced, so the planner cannot walk the name
    index and filter; the page and the exact total come from it in one statement. Past the cap, hits are
    dense: the plain page query walks the sort index, and the total is the planner's estimate.
    ``sort`` is ``[(expression, icu, descending), …]`` ending with the id tie-break (criteria.sort_keys).
    """
    table = TABLES[record_type]
    offset = (page - 1) * per_page
    # When the planner expects more hits than the cap (0.1 ms to ask), building the capped set only
    # to learn that it is full costs up to a second at 1M contacts: go straight to the dense path.
    estimate = planner_estimate(session, sa.select(table.c.id).where(*predicates))
    if estimate > HIT_CAP:
        return _dense_page(session, table, predicates, sort, per_page, offset), estimate, True
    hits = (sa.select(table.c.id, *(expression.label(f"s{i}") for i, (expression, _, _) in enumerate(sort)))
            .where(*predicates).limit(HIT_CAP + 1).cte("hits").prefix_with("MATERIALIZED"))
    total = sa.select(sa.func.count()).select_from(hits).scalar_subquery()
    order = _order([(hits.c[f"s{i}"], icu, desc) for i, (_, icu, desc) in enumerate(sort)])
    rows = session.execute(sa.select(hits.c.id, total.label("total")).order_by(*order)
                           .limit(per_page).offset(offset)).all()
    count = rows[0].total if rows else session.execute(sa.select(total)).scalar()
    if count <= HIT_CAP:
        return [r.id for r in rows], count, False
    return _dense_page(session, table, predicates, sort, per_page, offset), max(estimate, HIT_CAP + 1), True


def _dense_page(session, table, predicates, sort, per_page, offset):
    """Hits are dense: walking the sort index and filtering finds a page quickly."""
    page_query = sa.select(table.c.id).where(*predicates).order_by(*_order(sort)).limit(per_page).offset(offset)
    return list(session.scalars(page_query))


def _order(keys):
    """Text in ICU order ("Émond" before "Z"), empty values last in both directions."""
    order = []
    for expression, icu, descending in keys:
        expression = expression.collate(ICU) if icu else expression
        order.append((expression.desc() if descending else expression.asc()).nulls_last())
    return order


# Users read model (r1:/r2:) -----------------------------------------------------------------------------

def upsert_rep_user(session, values):
    """Newer facts win: an update delivered before its creation, or twice, changes nothing."""
    statement = sa.dialects.postgresql.insert(rep_users).values(**values)
    session.execute(statement.on_conflict_do_update(
        index_elements=[rep_users.c.id],
        set_={key: statement.excluded[key] for key in ("username", "full_name", "name_norm", "updated_at")},
        where=rep_users.c.updated_at <= statement.excluded.updated_at))


# History ------------------------------------------------------------------------------------------------

def add_history(session, rows):
    if rows:
        session.execute(history.insert(), rows)


def list_history(session, record_type, record_id, *, limit=500):
    return session.execute(sa.select(history).where(history.c.record_type == record_type,
                                                    history.c.record_id == record_id)
                           .order_by(history.c.id.desc()).limit(limit)).mappings().all()


# Customization (C-12, C-14, C-15) -------------------------------------------------------------------------

def custom_field_rows(session, *, org_id, module, for_update=False):
    query = (sa.select(custom_fields).where(custom_fields.c.org_id == org_id, custom_fields.c.module == module)
             .order_by(custom_fields.c.position, custom_fields.c.key))
    if for_update:
        query = query.with_for_update()
    return session.execute(query).mappings().all()


def custom_field_rows_by_module(session, *, org_id, modules):
    rows = session.execute(sa.select(custom_fields).where(custom_fields.c.org_id == org_id,
                                                          custom_fields.c.module.in_(list(modules)))
                           ).mappings().all()
    result = {module: {} for module in modules}
    for row in rows:
        result[row["module"]][row["key"]] = row
    return result


def lock_custom_fields(session, *, org_id, module):
    """Serialise additions per organization and module, so two at once cannot pass the limit of 70."""
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"custom_fields:{org_id}:{module}"))))


def insert_custom_field(session, values):
    """False when the key is already taken in this organization and module."""
    statement = (sa.dialects.postgresql.insert(custom_fields).values(**values)
                 .on_conflict_do_nothing(constraint="custom_fields_key").returning(custom_fields.c.id))
    return session.execute(statement).first() is not None


def update_custom_field(session, field_id, values):
    session.execute(custom_fields.update().where(custom_fields.c.id == field_id).values(**values))


def delete_custom_field(session, *, org_id, module, key):
    """The definition and every value of it (C-14: a deleted field leaves nothing behind)."""
    session.execute(custom_fields.delete().where(custom_fields.c.org_id == org_id,
                                                 custom_fields.c.module == module, custom_fields.c.key == key))
    table = {"contacts": contacts, "accounts": accounts}.get(module)
    if table is not None:
        session.execute(table.update().where(table.c.org_id == org_id, table.c.custom.has_key(key))
                        .values(custom=table.c.custom - key))


def saved_filter_rows(session, *, user_id, module):
    return session.execute(sa.select(saved_filters).where(saved_filters.c.user_id == user_id,
                                                          saved_filters.c.module == module)
                           .order_by(saved_filters.c.name.collate(ICU), saved_filters.c.id)).mappings().all()


def get_saved_filter(session, *, user_id, module, filter_id):
    return session.execute(sa.select(saved_filters).where(
        saved_filters.c.id == filter_id, saved_filters.c.user_id == user_id,
        saved_filters.c.module == module)).mappings().first()


def delete_saved_filter(session, filter_id):
    session.execute(saved_filters.delete().where(saved_filters.c.id == filter_id))


def get_layout(session, *, org_id, module):
    return session.execute(sa.select(layouts.c.columns).where(layouts.c.org_id == org_id,
                                                              layouts.c.module == module)).scalar()


def put_layout(session, *, org_id, module, columns):
    statement = sa.dialects.postgresql.insert(layouts).values(org_id=org_id, module=module, columns=columns)
    session.execute(statement.on_conflict_do_update(index_elements=[layouts.c.org_id, layouts.c.module],
                                                    set_={"columns": columns, "updated_at": now()}))


def get_user_sort(session, *, user_id, module):
    return session.execute(sa.select(user_sorts.c.sort).where(user_sorts.c.user_id == user_id,
                                                              user_sorts.c.module == module)).scalar()


def put_user_sort(session, *, user_id, module, sort):
    statement = sa.dialects.postgresql.insert(user_sorts).values(user_id=user_id, module=module, sort=sort)
    session.execute(statement.on_conflict_do_update(index_elements=[user_sorts.c.user_id, user_sorts.c.module],
                                                    set_={"sort": sort}))
