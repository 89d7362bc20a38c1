"""The queries of stages, opportunities and their lines (SQLAlchemy Core over ``models``); beside them, who sees
which opportunity (``visibility``) and the custom fields' definitions (``custom_fields``). Export jobs are stored
by the kit's ``JobStore`` over this schema's ``jobs`` and ``job_files``."""
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from carnet_common.db import planner_estimate
from carnet_common.jobs import JobStore
from carnet_opportunities.models import (
    account_refs,
    contact_refs,
    job_files,
    jobs,
    opportunities,
    opportunity_lines,
    stages,
    substages,
)
from carnet_opportunities.opportunities import stages as stage_rules
from carnet_opportunities.opportunities.repository.visibility import opportunity_visible
from carnet_opportunities.readmodel.repository.visibility import id_array, ref_visible

JOB_STORE = JobStore(jobs, job_files)


def new_id():
    return str(uuid.uuid4())


def now():
    return datetime.now(timezone.utc)


# Stages (O-3) -------------------------------------------------------------------------------------------

def ensure_default_stages(session, org_id):
    """The organization's default stages, created the first time they are needed (idempotent)."""
    exists = session.execute(sa.select(sa.func.count()).select_from(stages).where(stages.c.org_id == org_id)
                             ).scalar_one()
    if exists >= len(stage_rules.DEFAULTS):
        return
    session.execute(insert(stages).values([
        {"id": new_id(), "org_id": org_id, "probability": p, "color": color, "label_en": en, "label_fr": fr}
        for p, color, en, fr in stage_rules.DEFAULTS]).on_conflict_do_nothing(
            constraint="stages_org_probability"))


def stage_rows(session, org_id):
    return session.execute(sa.select(stages).where(stages.c.org_id == org_id).order_by(stages.c.probability)
                           ).mappings().all()


def get_stage(session, org_id, stage_id, *, for_update=False):
    query = sa.select(stages).where(stages.c.org_id == org_id, stages.c.id == stage_id)
    return session.execute(query.with_for_update() if for_update else query).mappings().first()


def update_stage(session, stage_id, values):
    session.execute(stages.update().where(stages.c.id == stage_id).values(**values))


def substage_rows(session, org_id, stage_ids=None):
    query = sa.select(substages).where(substages.c.org_id == org_id)
    if stage_ids is not None:
        query = query.where(substages.c.stage_id.in_(list(stage_ids)))
    return session.execute(query.order_by(substages.c.created_at, substages.c.id)).mappings().all()


def get_substage(session, org_id, substage_id, *, for_update=False):
    query = sa.select(substages).where(substages.c.org_id == org_id, substages.c.id == substage_id)
    return session.execute(query.with_for_update() if for_update else query).mappings().first()


def insert_substage(session, values):
    session.execute(substages.insert().values(**values))


def update_substage(session, substage_id, values):
    session.execute(substages.update().where(substages.c.id == substage_id).values(**values))


# Opportunities -------------------------------------------------------------------------------------------

# O-4 as two integer keys, ascending in every column so that an index walks them (migration 0007 indexes these
# exact expressions: keep both in step): the group is 0 for 1..99 %, 1 for 0 % and 100 %; the day counts from
# 2000-01-01, forward for the open ones (oldest close date first), backward for the others (newest first), NULL
# without a close date (last in both groups). Constants are SQL literals, not parameters: the planner matches an
# index expression only with the same constants.
_O4_OPEN = sa.and_(opportunities.c.probability >= sa.literal_column("1"),
                   opportunities.c.probability <= sa.literal_column("99"))
_DAY_ZERO = sa.literal_column("'2000-01-01'::date", sa.Date)
O4_GROUP = sa.case((_O4_OPEN, sa.literal_column("0")), else_=sa.literal_column("1"))
O4_DAY = sa.case((_O4_OPEN, opportunities.c.close_date - _DAY_ZERO), else_=_DAY_ZERO - opportunities.c.close_date)


def o4_order():
    """O-4: 1 %..99 % first, oldest close date first; then 0 % and 100 %, newest close date first; no close date
    last in each; then the oldest created, then the id. ``opportunities_o4`` walks it for the whole list and
    ``opportunities_o4_stage`` for one stage (it holds the group too), so a page reads its rows, never sorts."""
    return (O4_GROUP, O4_DAY.asc().nulls_last(), opportunities.c.created_at, opportunities.c.id)


def list_order(*, by_creation=False):
    """O-4, or the oldest created first for a caller who may read neither the stage nor the close date that O-4
    sorts on (S-3: the order would tell them)."""
    return (opportunities.c.created_at, opportunities.c.id) if by_creation else o4_order()


def filters(actor, *, account_id=None, contact_id=None, stage_id=None, q=None):
    """The predicates of the opportunities ``actor`` sees that the filters select (list and export alike)."""
    where = [opportunity_visible(actor)]
    if account_id:
        where.append(opportunities.c.account_id == account_id)
    if contact_id:
        # O-1: shown on the contact it names and on every contact of its account; the account of a contact the
        # caller does not see is not looked up (it would tell where that contact is, C-2).
        account_of = sa.select(contact_refs.c.account_id).where(
            contact_refs.c.id == contact_id, ref_visible(contact_refs, actor=actor)).scalar_subquery()
        where.append(sa.or_(opportunities.c.contact_id == contact_id, opportunities.c.account_id == account_of))
    if stage_id:
        where.append(opportunities.c.stage_id == stage_id)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        names = sa.select(account_refs.c.id).where(account_refs.c.org_id == actor["org_id"],
                                                   account_refs.c.name.ilike(pattern))
        where.append(sa.or_(opportunities.c.title.ilike(pattern), opportunities.c.account_id.in_(names)))
    return where


# A list's total is exact up to COUNT_CAP (contacts' HIT_CAP); past it, the planner's estimate (``capped``):
# counting checks the visibility of every account behind the rows, ~20 ms for one stage of an administrator at
# 200,000 opportunities on 20,000 accounts (each account's lists against the caller's 50) and ~80 ms for the whole
# list, where walking an O-4 index to the page costs under 1 ms (issue 5).
COUNT_CAP = 10_000


def search(session, actor, *, page=1, per_page=50, by_creation=False, **selection):
    """``(rows, total, capped)``: a page of what the filters select in O-4 order, and how many they select.

    Few hits (the planner expects at most COUNT_CAP, and there are no more): they are collected first, fenced,
    and the page's ids and the exact total come from them in one statement, its rows by id in another; walking
    an index would skip the many rows the caller may not see (a user of 5 lists sees 566 of a stage's 40,000).
    Many hits: the page walks an O-4 index, and the total is the estimate unless the page is short (the last).
    ``by_creation``: in ``list_order(by_creation=True)``, the oldest created first."""
    where = filters(actor, **selection)
    offset = (page - 1) * per_page
    estimate = planner_estimate(session, sa.select(opportunities.c.id).where(*where))
    if estimate <= COUNT_CAP:
        rows, total = _sparse_page(session, where, per_page, offset, by_creation=by_creation)
        if total <= COUNT_CAP:
            return rows, total, False
    rows = session.execute(page_query(where, page=page, per_page=per_page, by_creation=by_creation)
                           ).mappings().all()
    if 0 < len(rows) < per_page:
        return rows, offset + len(rows), False
    return rows, max(estimate, COUNT_CAP + 1), True


def page_query(where, *, page, per_page, by_creation=False):
    """A page in O-4 order: an index walk that stops after ``page * per_page`` visible rows (no sort)."""
    return (sa.select(opportunities).where(*where).order_by(*list_order(by_creation=by_creation))
            .limit(per_page).offset((page - 1) * per_page))


def _sparse_page(session, where, per_page, offset, *, by_creation=False):
    """``(rows, total)`` from the hits (at most COUNT_CAP + 1, with their O-4 keys) sorted in memory."""
    hits = (sa.select(opportunities.c.id, O4_GROUP.label("o4_group"), O4_DAY.label("o4_day"),
                      opportunities.c.created_at).where(*where).limit(COUNT_CAP + 1)
            .cte("hits").prefix_with("MATERIALIZED"))
    total = sa.select(sa.func.count()).select_from(hits).scalar_subquery()
    order = ((hits.c.created_at, hits.c.id) if by_creation
             else (hits.c.o4_group, hits.c.o4_day.asc().nulls_last(), hits.c.created_at, hits.c.id))
    found = session.execute(sa.select(hits.c.id, total.label("total"))
                            .order_by(*order).limit(per_page).offset(offset)).all()
    if not found:
        return [], session.execute(sa.select(total)).scalar_one()
    rows = {r["id"]: r for r in session.execute(
        sa.select(opportunities).where(opportunities.c.id.in_([f.id for f in found]))).mappings()}
    return [rows[f.id] for f in found if f.id in rows], found[0].total


def count(session, where, *, cap=None):
    """How many opportunities ``where`` selects, counting no further than ``cap + 1`` when given."""
    selected = sa.select(opportunities.c.id).where(*where)
    if cap is not None:
        selected = selected.limit(cap + 1)
    return session.execute(sa.select(sa.func.count()).select_from(selected.subquery())).scalar_one()


def stream(session, where, *, batch, by_creation=False):
    """The opportunities ``where`` selects in O-4 order (``list_order``), ``batch`` rows at a time (a server-side
    cursor: an export of 200,000 holds one batch in memory, not the result)."""
    result = session.execute(sa.select(opportunities).where(*where).order_by(*list_order(by_creation=by_creation)),
                             execution_options={"yield_per": batch})
    yield from result.mappings().partitions()


def visible_contact_ids(session, actor, ids):
    """Those of the contacts ``ids`` that ``actor`` sees in the read model (C-2, S-4, S-5): the only ones whose
    names an opportunity shows."""
    ids = sorted({i for i in ids if i})
    if not ids:
        return []
    return list(session.execute(sa.select(contact_refs.c.id).where(
        contact_refs.c.id == sa.any_(id_array("named_contact_ids", ids)), ref_visible(contact_refs, actor=actor)))
        .scalars())


def get_visible(session, actor, opportunity_id, *, for_update=False):
    query = sa.select(opportunities).where(opportunities.c.id == opportunity_id, opportunity_visible(actor))
    if for_update:
        query = query.with_for_update(of=opportunities)
    return session.execute(query).mappings().first()


def get_by_id(session, org_id, opportunity_id):
    """The organization's opportunity, whoever sees it (what a write just stored)."""
    return session.execute(sa.select(opportunities).where(opportunities.c.id == opportunity_id,
                                                           opportunities.c.org_id == org_id)).mappings().first()


def lines_of(session, ids):
    result = {i: [] for i in ids}
    if not ids:
        return result
    rows = session.execute(sa.select(opportunity_lines).where(opportunity_lines.c.opportunity_id.in_(list(ids)))
                           .order_by(opportunity_lines.c.opportunity_id, opportunity_lines.c.position)
                           ).mappings().all()
    for row in rows:
        result[row["opportunity_id"]].append(row)
    return result


def replace_lines(session, opportunity_id, lines):
    session.execute(opportunity_lines.delete().where(opportunity_lines.c.opportunity_id == opportunity_id))
    if lines:
        session.execute(opportunity_lines.insert(), [{**line, "id": new_id(), "opportunity_id": opportunity_id,
                                                      "position": i} for i, line in enumerate(lines)])


def insert_opportunity(session, values):
    session.execute(opportunities.insert().values(**values))


def update_opportunity(session, opportunity_id, values):
    session.execute(opportunities.update().where(opportunities.c.id == opportunity_id).values(**values))


def delete_opportunity(session, opportunity_id):
    session.execute(opportunities.delete().where(opportunities.c.id == opportunity_id))
