"""The dashboard (D-1): pipeline of open opportunities by stage, won/lost in a period, activities.

Scope (D-1 with S-4): the dashboard is an organization report of aggregates (counts and sums, no record named),
so it counts every live record of the caller's organization — list selection and the rep rule of the lists do
not apply. Users limited to their own records (S-4 ``own_records_only``) count only their own: opportunities
where they are rep 1 or rep 2, tasks assigned to them or created by them (the own records of task visibility,
``tasks/repository/visibility.own_tasks``). Live means not in the trash: an opportunity not deleted and not on an
account in the trash (an account deleted with ``reattach`` keeps its opportunities undeleted but hidden); a task
not deleted and not linked to a contact or an account in the trash (its tasks stay undeleted too).
``user_id`` narrows it to one user's records (rep 1/2 of opportunities, assignee of tasks) and is allowed for
administrators and, for themselves and users below them, hierarchy users; anyone else asking for another user
gets 403 (silently narrowing would show misleading figures). For a user limited to their own records it is
always themselves, and counts their own records as above.
The period is in the organization's time zone: ``from`` 00:00 to the end of ``to`` (N-6).
"""
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from carnet_common.errors import Forbidden, InvalidInput
from carnet_opportunities.dashboard import repository
from carnet_opportunities.tasks.contracts import TYPES

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


def _pipeline(session, actor, user_id):
    """Open stages (1..99 %) in order, each with the count, total and weighted total of its counted opportunities.

    The stages are read first and the opportunities aggregated over those stages only: closed ones are not
    read."""
    open_stages = repository.open_stages(session, actor=actor)
    if not open_stages:
        return []
    sums = repository.sums_by_stage(session, actor=actor, user_id=user_id, stage_ids=[s["id"] for s in open_stages])
    pipeline = []
    for stage in open_stages:
        found = sums.get(stage["id"])
        count, total = (found["count"], Decimal(found["total"])) if found else (0, Decimal(0))
        pipeline.append({"stage_id": stage["id"], "label": stage["label"], "probability": stage["probability"],
                         "count": count, "total": _money(total),
                         "weighted_total": _money(total * stage["probability"] / 100)})
    return pipeline


def _transactions(session, actor, user_id, start, end):
    """Won (100 %) and lost (0 %) counted opportunities whose close date is in the period."""
    by_probability = repository.closed_by_probability(session, actor=actor, user_id=user_id, start=start, end=end)
    return {name: {"count": by_probability[p]["count"] if p in by_probability else 0,
                   "total": _money(by_probability[p]["total"] if p in by_probability else 0)}
            for name, p in (("won", 100), ("lost", 0))}


def get_dashboard(session, *, actor, query):
    user_id = _user_filter(actor, query.get("user_id"))
    start, end, zone = _period(actor, query)
    activities = dict.fromkeys(TYPES, 0)
    activities.update(repository.activities_by_type(session, actor=actor, user_id=user_id, start=start, end=end,
                                                    zone=zone))
    return {"from": start.isoformat(), "to": end.isoformat(), "user_id": user_id,
            "pipeline": _pipeline(session, actor, user_id),
            "transactions": _transactions(session, actor, user_id, start, end), "activities": activities}
