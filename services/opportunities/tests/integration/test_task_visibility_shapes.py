"""Task visibility (T-1, C-2, S-4, S-5) written for speed gives the same answers as the rule's first shape.

``task_visible`` (``tasks/repository/visibility.py``) looks each link up by key per task (issue 5: the first
shape put the checks inside an OR, which PostgreSQL ran as hashed subplans over every visible contact and
opportunity). Below, that first shape is kept as the reference and both are run on a mixed data set (two
organizations, records in and out of the caller's lists, other reps, deleted and missing records, tasks with every
combination of links, assignee and author) for a range of callers: the visible tasks and the board (T-2) must be
the same. The dashboard (D-1) counts every live record of the organization instead (its caller's own with S-4,
``dashboard/repository.py``): its fast shape (counts minus what hangs on the trash) is compared with that rule
written plainly, on the same data set. The database is built by the service's migrations (real PostgreSQL, no
service process needed: the use cases are called in process).
"""
import datetime
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from opp_helpers import migrated_database
from sqlalchemy.orm import Session

from carnet_common.errors import Forbidden
from carnet_opportunities.dashboard import usecases as dashboard
from carnet_opportunities.models import account_refs, contact_refs, opportunities, stages, tasks
from carnet_opportunities.opportunities.repository.visibility import opportunity_visible
from carnet_opportunities.readmodel.repository import visibility
from carnet_opportunities.tasks import repository as task_repository
from carnet_opportunities.tasks import usecases as task_usecases
from carnet_opportunities.tasks.contracts import STATUSES, TYPES
from carnet_opportunities.tasks.repository.visibility import LINKS, task_visible

ORG, OTHER = "o1", "o2"
LISTS = ("L1", "L2", "L3", "L4")
USERS = ("u1", "u2", "u3", "u4")
UTC = datetime.timezone.utc
ZONE = ZoneInfo("America/Toronto")


def reference_visible(actor):
    """The first shape of the rule (before issue 5), kept as the reference: links checked inside an OR."""
    def contact_visible(column):
        return sa.exists(sa.select(1).where(contact_refs.c.id == column,
                                            visibility.ref_visible(contact_refs, actor=actor)))

    def opportunity_seen(column):
        return sa.exists(sa.select(1).where(opportunities.c.id == column, opportunity_visible(actor)))

    mine = sa.or_(tasks.c.assignee_id == actor["user_id"], tasks.c.created_by == actor["user_id"])
    unlinked = sa.and_(*(tasks.c[key].is_(None) for key in LINKS))
    linked = sa.and_(
        sa.not_(unlinked),
        sa.or_(tasks.c.contact_id.is_(None), contact_visible(tasks.c.contact_id)),
        sa.or_(tasks.c.account_id.is_(None),
               visibility.account_visible(account_refs, tasks.c.account_id, actor=actor)),
        sa.or_(tasks.c.opportunity_id.is_(None), opportunity_seen(tasks.c.opportunity_id)))
    alone = sa.and_(unlinked, sa.true() if actor.get("is_admin") else mine)
    clauses = [tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None), sa.or_(alone, linked)]
    if visibility.own_records_only(actor):
        clauses.append(mine)
    return sa.and_(*clauses)


def _pick_lists(rng):
    return sorted(rng.sample(LISTS, rng.choice((0, 1, 1, 2, 3))))


def _refs(rng, org, prefix, count, accounts=None):
    rows = []
    for n in range(count):
        row = {"id": f"{prefix}{org}-{n}", "org_id": org, "rep1_id": rng.choice((*USERS, None)),
               "rep2_id": rng.choice((*USERS, None, None)), "list_ids": _pick_lists(rng),
               "deleted_at": datetime.datetime(2026, 3, 1, tzinfo=UTC) if rng.random() < 0.15 else None,
               "version": 1}
        if accounts is None:
            row["name"] = f"Account {n}"
        else:
            row["account_id"] = rng.choice(accounts)
        rows.append(row)
    return rows


def _seed(engine):
    rng = random.Random(5)
    with engine.begin() as conn:
        for org in (ORG, OTHER):
            stage_ids = []
            for probability in (0, 10, 50, 100):
                stage_ids.append(f"s{org}-{probability}")
                conn.execute(stages.insert().values(id=stage_ids[-1], org_id=org, probability=probability,
                                                    color="#000", label_fr="É", label_en="S"))
            accounts = _refs(rng, org, "a", 12)
            conn.execute(account_refs.insert(), accounts)
            account_ids = [a["id"] for a in accounts]
            contacts = _refs(rng, org, "c", 30, account_ids)
            conn.execute(contact_refs.insert(), contacts)
            opps = [{"id": f"p{org}-{n}", "org_id": org, "title": "O", "account_id": rng.choice(account_ids),
                     "stage_id": rng.choice(stage_ids), "probability": 10, "total": rng.randrange(1, 10**6) / 100,
                     "source": "crm", "close_date": datetime.date(2026, 1, 1) + datetime.timedelta(days=n * 9),
                     "custom": {}, "version": 1, "rep1_id": rng.choice((*USERS, None)),
                     "rep2_id": rng.choice((*USERS, None, None)),
                     "deleted_at": datetime.datetime(2026, 3, 1, tzinfo=UTC) if rng.random() < 0.15 else None}
                    for n in range(15)]
            conn.execute(opportunities.insert(), opps)
            # Links also name records that the read model lacks and records of the other organization.
            contact_ids = [c["id"] for c in contacts] + ["c-missing"]
            account_ids = account_ids + ["a-missing", f"a{OTHER if org == ORG else ORG}-0"]
            opportunity_ids = [o["id"] for o in opps] + ["p-missing"]
            conn.execute(tasks.insert(), [_task(rng, org, n, contact_ids, account_ids, opportunity_ids)
                                          for n in range(500)])


def _task(rng, org, n, contact_ids, account_ids, opportunity_ids):
    created = datetime.datetime(2025, 6, 1, tzinfo=UTC) + datetime.timedelta(hours=rng.randrange(24 * 540))
    return {"id": f"t{org}-{n:04d}", "org_id": org, "type": rng.choice(TYPES), "status": rng.choice(STATUSES),
            "title": "T", "assignee_id": rng.choice(USERS), "created_by": rng.choice(USERS),
            "due_at": rng.choice((None, created + datetime.timedelta(days=rng.randrange(30)))),
            "contact_id": rng.choice(contact_ids) if rng.random() < 0.5 else None,
            "account_id": rng.choice(account_ids) if rng.random() < 0.5 else None,
            "opportunity_id": rng.choice(opportunity_ids) if rng.random() < 0.3 else None,
            "version": 1, "created_at": created, "updated_at": created,
            "deleted_at": created if rng.random() < 0.08 else None}


@pytest.fixture(scope="module")
def shapes_engine():
    with migrated_database() as engine:
        _seed(engine)
        yield engine


def _actor(user_id="u1", *, org=ORG, lists=LISTS, admin=False, subordinates=(), **flags):
    return {"org_id": org, "user_id": user_id, "is_admin": admin, "list_ids": list(lists), "language": "en",
            "timezone": "America/Toronto", "subordinate_ids": list(subordinates),
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags}}


ACTORS = {
    "admin, every list": _actor(admin=True),
    "admin, two lists": _actor(admin=True, lists=("L1", "L3")),
    "admin, no list": _actor(admin=True, lists=()),
    "admin limited to own records": _actor("u2", admin=True, own_records_only=True),
    "all contacts": _actor("u3", lists=("L2",), all_contacts=True),
    "reps rule": _actor("u2"),
    "reps rule with hierarchy": _actor("u1", lists=("L1", "L2"), subordinates=("u3",), hierarchy_contacts=True),
    "subordinates without the flag": _actor("u1", subordinates=("u3",)),
    "limited to own records": _actor("u4", own_records_only=True),
    "limited to own records, all contacts": _actor("u3", own_records_only=True, all_contacts=True),
    "other organization": _actor("u1", org=OTHER, admin=True, lists=("L2", "L4")),
}


def _ids(engine, predicate, *extra, source=tasks):
    with engine.connect() as conn:
        return conn.execute(sa.select(tasks.c.id).select_from(source).where(predicate, *extra)
                            .order_by(tasks.c.id)).scalars().all()


def test_the_data_set_mixes_visible_and_hidden_tasks(shapes_engine):
    """Guards the comparisons below: each caller sees some tasks of its organization and misses others."""
    for name, actor in ACTORS.items():
        seen = _ids(shapes_engine, reference_visible(actor))
        live = _ids(shapes_engine, tasks.c.org_id == actor["org_id"], tasks.c.deleted_at.is_(None))
        if name == "admin, no list":
            assert 0 < len(seen) < len(live), name  # only its tasks without links
        else:
            assert 10 < len(seen) < len(live), (name, len(seen), len(live))


@pytest.mark.parametrize("name", ACTORS)
def test_visible_tasks_are_the_same(shapes_engine, name):
    actor = ACTORS[name]
    assert _ids(shapes_engine, task_visible(actor)) == _ids(shapes_engine, reference_visible(actor))


def _reference_board(engine, actor, status, assignee_id, per_page, page):
    with engine.connect() as conn:
        where = [reference_visible(actor), tasks.c.status == status]
        if assignee_id:
            where.append(tasks.c.assignee_id == assignee_id)
        ids = conn.execute(sa.select(tasks.c.id).where(*where).order_by(*task_repository.ORDER)).scalars().all()
    return len(ids), ids[(page - 1) * per_page:page * per_page]


@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("assignee_id, page", [(None, 1), ("u2", 1), ("u4", 3)])
def test_board_columns_are_the_same(shapes_engine, name, assignee_id, page):
    actor, per_page = ACTORS[name], 4
    query = {"view": "board", "page": page, "per_page": per_page}
    if assignee_id:
        query["assignee_id"] = assignee_id
    with Session(shapes_engine) as session:
        board = task_usecases.list_tasks(session, actor=actor, query=query)
    assert [c["status"] for c in board["columns"]] == list(STATUSES)
    for column in board["columns"]:
        total, ids = _reference_board(shapes_engine, actor, column["status"], assignee_id, per_page, page)
        assert (column["total"], [t["id"] for t in column["items"]]) == (total, ids), column["status"]
        assert column["total_capped"] is False  # the data set stays below the cap


def test_board_totals_are_exact_up_to_the_cap_then_flagged(shapes_engine, monkeypatch):
    actor, cap = ACTORS["admin, every list"], 3
    monkeypatch.setattr(task_usecases, "BOARD_TOTAL_CAP", cap)
    with Session(shapes_engine) as session:
        board = task_usecases.list_tasks(session, actor=actor, query={"view": "board", "page": 2, "per_page": 2})
    seen_capped = seen_exact = False
    for column in board["columns"]:
        total, ids = _reference_board(shapes_engine, actor, column["status"], None, 2, 2)
        assert [t["id"] for t in column["items"]] == ids, column["status"]  # pages do not depend on the cap
        assert (column["total"], column["total_capped"]) == ((cap, True) if total > cap else (total, False))
        seen_capped, seen_exact = seen_capped or total > cap, seen_exact or total <= cap
    assert seen_capped  # the data set has a column above the cap
    # a page past the cap still comes back (the total is only a lower bound there)
    monkeypatch.setattr(task_usecases, "BOARD_TOTAL_CAP", 1)
    with Session(shapes_engine) as session:
        board = task_usecases.list_tasks(session, actor=actor, query={"view": "board", "page": 3, "per_page": 1})
    for column in board["columns"]:
        total, ids = _reference_board(shapes_engine, actor, column["status"], None, 1, 3)
        assert [t["id"] for t in column["items"]] == ids, column["status"]
    assert any(column["items"] for column in board["columns"])


def test_board_of_one_status_has_one_column(shapes_engine):
    actor = ACTORS["admin, every list"]
    with Session(shapes_engine) as session:
        board = task_usecases.list_tasks(session, actor=actor, query={"view": "board", "status": "done",
                                                                     "page": 1, "per_page": 50})
    total, ids = _reference_board(shapes_engine, actor, "done", None, 50, 1)
    assert [(c["status"], c["total"], [t["id"] for t in c["items"]]) for c in board["columns"]] == [
        ("done", total, ids)]


def _not_on_trashed(refs, column, org_id):
    return ~sa.exists(sa.select(1).where(refs.c.id == column, refs.c.org_id == org_id, refs.c.deleted_at.isnot(None)))


def _reference_activities(engine, actor, start, end, user_id):
    """The dashboard's rule written plainly: live tasks of the organization (the caller's own with S-4), none
    linked to a contact or an account in the trash, each checked per task."""
    created_from = datetime.datetime.combine(start, datetime.time(), ZONE)
    created_to = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), ZONE)
    org_id = actor["org_id"]
    where = [tasks.c.org_id == org_id, tasks.c.deleted_at.is_(None), tasks.c.created_at >= created_from,
             tasks.c.created_at < created_to, _not_on_trashed(contact_refs, tasks.c.contact_id, org_id),
             _not_on_trashed(account_refs, tasks.c.account_id, org_id)]
    if actor["flags"]["own_records_only"]:
        where.append(sa.or_(tasks.c.assignee_id == actor["user_id"], tasks.c.created_by == actor["user_id"]))
    elif user_id:
        where.append(tasks.c.assignee_id == user_id)
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tasks.c.type, sa.func.count()).where(*where).group_by(tasks.c.type)).all()
    return {**dict.fromkeys(TYPES, 0), **dict(rows)}


@pytest.mark.parametrize("name", ACTORS)
def test_dashboard_activities_follow_the_organization_rule(shapes_engine, name):
    actor = ACTORS[name]
    for start, end, asked in ((datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), None),
                              (datetime.date(2025, 9, 1), datetime.date(2026, 2, 28), actor["user_id"]),
                              (datetime.date(2025, 9, 1), datetime.date(2026, 2, 28), "u2")):
        if asked not in (None, actor["user_id"]) and (not actor["is_admin"] or actor["flags"]["own_records_only"]):
            continue  # asking for another user is refused (403) to anyone but administrators here
        with Session(shapes_engine) as session:
            result = dashboard.get_dashboard(session, actor=actor, query={"date_from": start, "date_to": end,
                                                                          "user_id": asked})
        assert result["user_id"] == (actor["user_id"] if actor["flags"]["own_records_only"] else asked)
        expected = _reference_activities(shapes_engine, actor, start, end, asked)
        assert result["activities"] == expected, (start, asked)
        assert sum(expected.values()) > 0


def _reference_opportunities(actor, user_id):
    """Live opportunities of the organization (not deleted, account not in the trash), the caller's own with S-4."""
    where = [opportunities.c.org_id == actor["org_id"], opportunities.c.deleted_at.is_(None),
             _not_on_trashed(account_refs, opportunities.c.account_id, actor["org_id"])]
    for owner in (user_id, actor["user_id"] if actor["flags"]["own_records_only"] else None):
        if owner:
            where.append(sa.or_(opportunities.c.rep1_id == owner, opportunities.c.rep2_id == owner))
    return where


def _reference_pipeline(engine, actor, user_id):
    """Every counted opportunity aggregated by stage, joined to the open stages."""
    counts = (sa.select(opportunities.c.stage_id, sa.func.count().label("count"),
                        sa.func.coalesce(sa.func.sum(opportunities.c.total), 0).label("total"))
              .where(*_reference_opportunities(actor, user_id)).group_by(opportunities.c.stage_id).subquery())
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(stages.c.id, stages.c.probability, sa.func.coalesce(counts.c.count, 0).label("count"),
                      sa.func.coalesce(counts.c.total, 0).label("total"))
            .select_from(stages.outerjoin(counts, counts.c.stage_id == stages.c.id))
            .where(stages.c.org_id == actor["org_id"], stages.c.probability > 0, stages.c.probability < 100)
            .order_by(stages.c.probability)).mappings().all()
    return [(r["id"], r["count"], str(r["total"])) for r in rows]


def _reference_transactions(engine, actor, user_id, start, end):
    with engine.connect() as conn:
        rows = dict(conn.execute(
            sa.select(stages.c.probability, sa.func.count())
            .select_from(opportunities.join(stages, stages.c.id == opportunities.c.stage_id))
            .where(*_reference_opportunities(actor, user_id), stages.c.probability.in_((0, 100)),
                   opportunities.c.close_date.between(start, end))
            .group_by(stages.c.probability)).all())
    return {"won": rows.get(100, 0), "lost": rows.get(0, 0)}


@pytest.mark.parametrize("name", ACTORS)
@pytest.mark.parametrize("asked", [None, "u2"])
def test_dashboard_opportunities_follow_the_organization_rule(shapes_engine, name, asked):
    actor = ACTORS[name]
    start, end = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
    if asked and asked != actor["user_id"] and (not actor["is_admin"] or actor["flags"]["own_records_only"]):
        # Asking for another user is refused to anyone but administrators here (none of these actors has
        # u2 below them): 403, never a silently narrowed dashboard.
        with Session(shapes_engine) as session, pytest.raises(Forbidden):
            dashboard.get_dashboard(session, actor=actor, query={"date_from": start, "date_to": end,
                                                                 "user_id": asked})
        return
    with Session(shapes_engine) as session:
        result = dashboard.get_dashboard(session, actor=actor, query={"date_from": start, "date_to": end,
                                                                      "user_id": asked})
    expected = _reference_pipeline(shapes_engine, actor, asked)
    assert [(s["stage_id"], s["count"], s["total"]) for s in result["pipeline"]] == [
        (stage_id, count, str(Decimal(total).quantize(Decimal("0.01")))) for stage_id, count, total in expected]
    assert [s["probability"] for s in result["pipeline"]] == [10, 50]
    transactions = _reference_transactions(shapes_engine, actor, asked, start, end)
    assert {name: t["count"] for name, t in result["transactions"].items()} == transactions
    if not actor["flags"]["own_records_only"] and not asked:
        assert sum(s["count"] for s in result["pipeline"]) > 0 and sum(transactions.values()) > 0
