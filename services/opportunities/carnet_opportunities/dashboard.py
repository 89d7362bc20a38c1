"""The dashboard (D-1): pipeline of open opportunities by stage, won/lost in a period, activities.

Scope (D-1 with S-4): the dashboard is an organization report of aggregates (counts and sums, no record named),
so it counts every live record of the caller's organization — list selection and the rep rule of the lists do
not apply. Users limited to their own records (S-4 ``own_records_only``) count only their own: opportunities
where they are rep 1 or rep 2, tasks assigned to them or created by them (the own records of task visibility,
``task_usecases.own_tasks``). Live means not in the trash: an opportunity not deleted and not on an account in the
trash (an account deleted with ``reattach`` keeps its opportunities undeleted but hidden); a task not deleted
and not linked to a contact or an account in the trash (its tasks stay undeleted too). Records of the read
model's trash are few: what hangs on them is found from them and subtracted, never joined to every record.
``user_id`` narrows it to one user's records (rep 1/2 of opportunities, assignee of tasks) and is allowed for
administrators and, for themselves and users below them, hierarchy users; anyone else asking for another user
gets 403 (silently narrowing would show misleading figures). For a user limited to their own records it is
always themselves, and counts their own records as above.
The period is in the organization's time zone: ``from`` 00:00 to the end of ``to`` (N-6).
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from carnet_common.errors import Forbidden, InvalidInput
from carnet_opportunities import task_usecases, visibility
from carnet_opportunities.models import account_refs, contact_refs, opportunities, stages, tasks
from carnet_opportunities.task_contracts import TYPES

CENT = Decimal("0.01")


def _money(value):
    return str(Decimal(value or 0).quantize(CENT))


def _user_filter(actor, user_id):
    """The user whose records are counted, or None for every counted record."""
    flags = actor.get("flags") or {}
    if flags.get("own_records_only"):
        if user_id and user_id != actor["user_id"]:
            raise Forbidden("task_dashboard_user_forbidden")
        return actor["user_id"]
    if not user_id or user_id == actor["user_id"]:
        return user_id
    allowed = actor.get("is_admin") or (flags.get("hierarchy_contacts")
                                         and user_id in (actor.get("subordinate_ids") or ()))
    if not allowed:
        raise Forbidden("task_dashboard_user_forbidden")
    return user_id


def _period(actor, query):
    zone = ZoneInfo(actor.get("timezone") or "America/Toronto")
    today = datetime.now(zone).date()
    start = query.get("date_from") or date(today.year, 1, 1)
    end = query.get("date_to") or today
    if end < start:
        raise InvalidInput(errors={"to": ["task_dashboard_period"]})
    return start, end, zone


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


def _pipeline(session, actor, counted):
    """Open stages (1..99 %) in order, each with the count, total and weighted total of its counted opportunities.

    The stages are read first and the opportunities aggregated over those stages only: closed ones are not
    read, and the aggregate runs once (joined to the stages by the planner, it ran once per stage)."""
    label = stages.c.label_en if actor.get("language") == "en" else stages.c.label_fr
    open_stages = session.execute(
        sa.select(stages.c.id, label.label("label"), stages.c.probability)
        .where(stages.c.org_id == actor["org_id"], stages.c.probability > 0, stages.c.probability < 100)
        .order_by(stages.c.probability)).mappings().all()
    if not open_stages:
        return []
    sums = {r["stage_id"]: r for r in session.execute(
        sa.select(opportunities.c.stage_id, sa.func.count().label("count"),
                  sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
        .where(counted, opportunities.c.stage_id.in_([s["id"] for s in open_stages]))
        .group_by(opportunities.c.stage_id)).mappings()}
    pipeline = []
    for stage in open_stages:
        found = sums.get(stage["id"])
        count, total = (found["count"], Decimal(found["total"])) if found else (0, Decimal(0))
        pipeline.append({"stage_id": stage["id"], "label": stage["label"], "probability": stage["probability"],
                         "count": count, "total": _money(total),
                         "weighted_total": _money(total * stage["probability"] / 100)})
    return pipeline


def _transactions(session, counted, start, end):
    """Won (100 %) and lost (0 %) counted opportunities whose close date is in the period (index-only scan of
    ``opportunities_dashboard``)."""
    closed = session.execute(
        sa.select(stages.c.probability, sa.func.count().label("count"),
                  sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
        .select_from(opportunities.join(stages, stages.c.id == opportunities.c.stage_id))
        .where(counted, stages.c.probability.in_((0, 100)),
               opportunities.c.close_date >= start, opportunities.c.close_date <= end)
        .group_by(stages.c.probability)).mappings().all()
    by_probability = {r["probability"]: r for r in closed}
    return {name: {"count": by_probability[p]["count"] if p in by_probability else 0,
                   "total": _money(by_probability[p]["total"] if p in by_probability else 0)}
            for name, p in (("won", 100), ("lost", 0))}


def _activities(actor, user_id, start, end, zone):
    """Counted tasks created in the period, by type: all the live tasks of the scope, minus those linked to a
    contact or an account in the trash.

    The first count reads the index ``tasks_dashboard`` alone (live tasks by creation date, with their type) for
    the organization, ``tasks_board`` for one assignee; the second starts from the few records in the trash
    (``tasks_contact``, ``tasks_account``), a task linked to both counted once."""
    clauses = [tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None),
               tasks.c.created_at >= datetime.combine(start, time(), zone),
               tasks.c.created_at < datetime.combine(end + timedelta(days=1), time(), zone)]
    if visibility.own_records_only(actor):
        clauses.append(task_usecases.own_tasks(actor))  # user_id is the caller: their own tasks, as S-4 lists them
    elif user_id:
        clauses.append(tasks.c.assignee_id == user_id)
    live = sa.select(tasks.c.type, sa.func.count().label("count")).where(*clauses).group_by(tasks.c.type)
    hidden = sa.union(*(sa.select(tasks.c.id, tasks.c.type).where(tasks.c[key].in_(_trashed(refs, actor)), *clauses)
                        for key, refs in (("contact_id", contact_refs), ("account_id", account_refs)))).subquery()
    trashed = sa.select(hidden.c.type, -sa.func.count()).group_by(hidden.c.type)
    both = sa.union_all(live, trashed).subquery()
    return sa.select(both.c.type, sa.func.sum(both.c.count)).group_by(both.c.type)


def get_dashboard(session, *, actor, query):
    user_id = _user_filter(actor, query.get("user_id"))
    start, end, zone = _period(actor, query)
    counted = _opportunities_counted(actor, user_id)
    activities = dict.fromkeys(TYPES, 0)
    activities.update({kind: int(count) for kind, count in session.execute(
        _activities(actor, user_id, start, end, zone)).all()})
    return {"from": start.isoformat(), "to": end.isoformat(), "user_id": user_id,
            "pipeline": _pipeline(session, actor, counted),
            "transactions": _transactions(session, counted, start, end), "activities": activities}
