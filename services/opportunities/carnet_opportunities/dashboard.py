"""The dashboard (D-1): pipeline of open opportunities by stage, won/lost in a period, activities.

Everything is counted over what the caller may see (the same predicates as the lists), so a dashboard
never reveals a record its list would hide; ``own_records_only`` (S-4) narrows it to the caller's own.
``user_id`` narrows it to one user's records (rep 1/2 of opportunities, assignee of tasks) and is allowed
for administrators and, for themselves and users below them, hierarchy users; anyone else asking for
another user gets 403 (silently narrowing would show misleading figures).
The period is in the organization's time zone: ``from`` 00:00 to the end of ``to`` (N-6).
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from carnet_common.errors import Forbidden, InvalidInput
from carnet_opportunities import task_usecases, visibility
from carnet_opportunities.models import account_refs, opportunities, stages, tasks
from carnet_opportunities.task_contracts import TYPES

CENT = Decimal("0.01")


def _money(value):
    return str(Decimal(value or 0).quantize(CENT))


def _user_filter(actor, user_id):
    """The user whose records are counted, or None for every visible record."""
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


def _pipeline(session, actor, visible, mine):
    """Open stages (1..99 %) in order, each with the count, total and weighted total of its visible opportunities.

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
        .where(visible, mine, opportunities.c.stage_id.in_([s["id"] for s in open_stages]))
        .group_by(opportunities.c.stage_id)).mappings()}
    pipeline = []
    for stage in open_stages:
        found = sums.get(stage["id"])
        count, total = (found["count"], Decimal(found["total"])) if found else (0, Decimal(0))
        pipeline.append({"stage_id": stage["id"], "label": stage["label"], "probability": stage["probability"],
                         "count": count, "total": _money(total),
                         "weighted_total": _money(total * stage["probability"] / 100)})
    return pipeline


def _activities(actor, user_id, start, end, zone):
    """Tasks created in the period, by type, among those the caller sees (one user's: assigned to them).

    One user's tasks are few: each link is looked up per task (``task_visible``); the whole organization's
    are many: its visible records are joined once (``tasks_with_visible_links``). Same rule either way."""
    created_from = datetime.combine(start, time(), zone)
    created_to = datetime.combine(end + timedelta(days=1), time(), zone)
    clauses = [tasks.c.created_at >= created_from, tasks.c.created_at < created_to]
    if user_id:
        source, visible = tasks, task_usecases.task_visible(actor)
        clauses.append(tasks.c.assignee_id == user_id)
    else:
        source, visible = task_usecases.tasks_with_visible_links(actor)
    return (sa.select(tasks.c.type, sa.func.count()).select_from(source).where(visible, *clauses)
            .group_by(tasks.c.type))


def get_dashboard(session, *, actor, query):
    user_id = _user_filter(actor, query.get("user_id"))
    start, end, zone = _period(actor, query)
    visible = visibility.opportunity_visible(opportunities, account_refs, actor=actor)
    mine = (sa.or_(opportunities.c.rep1_id == user_id, opportunities.c.rep2_id == user_id)
            if user_id else sa.true())
    pipeline = _pipeline(session, actor, visible, mine)

    closed = session.execute(
        sa.select(stages.c.probability, sa.func.count().label("count"),
                  sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
        .select_from(opportunities.join(stages, stages.c.id == opportunities.c.stage_id))
        .where(visible, mine, stages.c.probability.in_((0, 100)),
               opportunities.c.close_date >= start, opportunities.c.close_date <= end)
        .group_by(stages.c.probability)).mappings().all()
    by_probability = {r["probability"]: r for r in closed}
    transactions = {name: {"count": by_probability[p]["count"] if p in by_probability else 0,
                           "total": _money(by_probability[p]["total"] if p in by_probability else 0)}
                    for name, p in (("won", 100), ("lost", 0))}

    activity_rows = session.execute(_activities(actor, user_id, start, end, zone)).all()
    activities = dict.fromkeys(TYPES, 0)
    activities.update({kind: count for kind, count in activity_rows})
    return {"from": start.isoformat(), "to": end.isoformat(), "user_id": user_id, "pipeline": pipeline,
            "transactions": transactions, "activities": activities}
