"""The queries of the dashboard (D-1): aggregates over the counted opportunities and tasks of a scope.

Counted (``dashboard/usecases.py`` says why): every live record of the organization, ``user_id``'s when set, the
caller's own with ``own_records_only`` (S-4). Live means not in the trash: an opportunity not deleted and not on
an account in the trash; a task not deleted and not linked to a contact or an account in the trash. Records of
the read model's trash are few: what hangs on them is found from them and subtracted, never joined to every
record.
"""
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from carnet_opportunities.models import account_refs, contact_refs, opportunities, stages, tasks
from carnet_opportunities.readmodel.repository.visibility import own_records_only
from carnet_opportunities.tasks.repository.visibility import own_tasks


def _trashed(refs, actor):
    """Ids of the organization's contacts or accounts in the trash (few: partial index ``*_refs_trash``)."""
    return sa.select(refs.c.id).where(refs.c.org_id == actor["org_id"], refs.c.deleted_at.isnot(None))


def _opportunities_counted(actor, user_id):
    """Predicate on ``opportunities``: live ones of the organization (not deleted, account not in the trash),
    ``user_id``'s (rep 1 or rep 2) when set, the caller with ``own_records_only`` (S-4)."""
    clauses = [opportunities.c.org_id == actor["org_id"], opportunities.c.deleted_at.is_(None),
               opportunities.c.account_id.not_in(_trashed(account_refs, actor))]
    if user_id:
        clauses.append(sa.or_(opportunities.c.rep1_id == user_id, opportunities.c.rep2_id == user_id))
    return sa.and_(*clauses)


def open_stages(session, *, actor):
    """The organization's open stages (1..99 %) in order, labelled in the caller's language."""
    label = stages.c.label_en if actor.get("language") == "en" else stages.c.label_fr
    return session.execute(
        sa.select(stages.c.id, label.label("label"), stages.c.probability)
        .where(stages.c.org_id == actor["org_id"], stages.c.probability > 0, stages.c.probability < 100)
        .order_by(stages.c.probability)).mappings().all()


def sums_by_stage(session, *, actor, user_id, stage_ids):
    """``{stage_id: {count, total}}`` of the counted opportunities of ``stage_ids``, aggregated once (joined to the
    stages by the planner, it ran once per stage)."""
    return {r["stage_id"]: r for r in session.execute(
        sa.select(opportunities.c.stage_id, sa.func.count().label("count"),
                  sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
        .where(_opportunities_counted(actor, user_id), opportunities.c.stage_id.in_(stage_ids))
        .group_by(opportunities.c.stage_id)).mappings()}


def closed_by_probability(session, *, actor, user_id, start, end):
    """``{probability: {count, total}}`` of the counted opportunities won (100 %) or lost (0 %) whose close date is
    in the period (index-only scan of ``opportunities_dashboard``)."""
    closed = session.execute(
        sa.select(stages.c.probability, sa.func.count().label("count"),
                  sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
        .select_from(opportunities.join(stages, stages.c.id == opportunities.c.stage_id))
        .where(_opportunities_counted(actor, user_id), stages.c.probability.in_((0, 100)),
               opportunities.c.close_date >= start, opportunities.c.close_date <= end)
        .group_by(stages.c.probability)).mappings().all()
    return {r["probability"]: r for r in closed}


def activities_by_type(session, *, actor, user_id, start, end, zone):
    """``{type: count}`` of the counted tasks created in the period (in ``zone``): all the live tasks of the
    scope, minus those linked to a contact or an account in the trash.

    The first count reads the index ``tasks_dashboard`` alone (live tasks by creation date, with their type) for
    the organization, ``tasks_board`` for one assignee; the second starts from the few records in the trash
    (``tasks_contact``, ``tasks_account``), a task linked to both counted once."""
    clauses = [tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None),
               tasks.c.created_at >= datetime.combine(start, time(), zone),
               tasks.c.created_at < datetime.combine(end + timedelta(days=1), time(), zone)]
    if own_records_only(actor):
        clauses.append(own_tasks(actor))  # user_id is the caller: their own tasks, as S-4 lists them
    elif user_id:
        clauses.append(tasks.c.assignee_id == user_id)
    live = sa.select(tasks.c.type, sa.func.count().label("count")).where(*clauses).group_by(tasks.c.type)
    hidden = sa.union(*(sa.select(tasks.c.id, tasks.c.type).where(tasks.c[key].in_(_trashed(refs, actor)), *clauses)
                        for key, refs in (("contact_id", contact_refs), ("account_id", account_refs)))).subquery()
    trashed = sa.select(hidden.c.type, -sa.func.count()).group_by(hidden.c.type)
    both = sa.union_all(live, trashed).subquery()
    return {kind: int(count) for kind, count in session.execute(
        sa.select(both.c.type, sa.func.sum(both.c.count)).group_by(both.c.type)).all()}
