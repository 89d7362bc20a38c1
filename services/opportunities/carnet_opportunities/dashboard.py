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


def get_dashboard(session, *, actor, query):
    user_id = _user_filter(actor, query.get("user_id"))
    start, end, zone = _period(actor, query)
    visible = visibility.opportunity_visible(opportunities, account_refs, actor=actor)
    mine = (sa.or_(opportunities.c.rep1_id == user_id, opportunities.c.rep2_id == user_id)
            if user_id else sa.true())
    label = stages.c.label_en if actor.get("language") == "en" else stages.c.label_fr

    counts = (sa.select(opportunities.c.stage_id, sa.func.count().label("count"),
                        sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
              .where(visible, mine).group_by(opportunities.c.stage_id).subquery())
    rows = session.execute(
        sa.select(stages.c.id, label.label("label"), stages.c.probability,
                  sa.func.coalesce(counts.c.count, 0).label("count"),
                  sa.func.coalesce(counts.c.total, 0).label("total"))
        .select_from(stages.outerjoin(counts, counts.c.stage_id == stages.c.id))
        .where(stages.c.org_id == actor["org_id"], stages.c.probability > 0, stages.c.probability < 100)
        .order_by(stages.c.probability)).mappings().all()
    pipeline = [{"stage_id": r["id"], "label": r["label"], "probability": r["probability"],
                 "count": r["count"], "total": _money(r["total"]),
                 "weighted_total": _money(Decimal(r["total"]) * r["probability"] / 100)} for r in rows]

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

    created_from = datetime.combine(start, time(), zone)
    created_to = datetime.combine(end + timedelta(days=1), time(), zone)
    task_clauses = [task_usecases.task_visible(actor), tasks.c.created_at >= created_from,
                    tasks.c.created_at < created_to]
    if user_id:
        task_clauses.append(tasks.c.assignee_id == user_id)
    activity_rows = session.execute(sa.select(tasks.c.type, sa.func.count()).where(*task_clauses)
                                    .group_by(tasks.c.type)).all()
    activities = dict.fromkeys(TYPES, 0)
    activities.update({kind: count for kind, count in activity_rows})
    return {"from": start.isoformat(), "to": end.isoformat(), "user_id": user_id, "pipeline": pipeline,
            "transactions": transactions, "activities": activities}
