"""Scope of the dashboard (D-1, S-4): every live record of the organization, whatever lists the caller selected
and whatever the rep rule lets them see; their own only for users limited to their own records; nothing in the
trash (an account deleted with ``reattach`` keeps its opportunities and tasks undeleted, yet they are not
counted). ``user_id`` narrows to one user's records, with its 403.

The trash is reached as in production: contacts events handled by the service's own handlers (the read model,
then what the delete does to the tasks and opportunities), called in process on a database built by the service's
migrations, with the Inbox applying each event in one session.
"""
import datetime

import pytest
import sqlalchemy as sa
from nameko.testing.services import worker_factory
from opp_helpers import migrated_database
from sqlalchemy.orm import Session

from carnet_common.errors import Forbidden
from carnet_common.events import make_envelope
from carnet_opportunities.dashboard import usecases as dashboard
from carnet_opportunities.models import account_refs, contact_refs, opportunities, stages, tasks
from carnet_opportunities.service import OpportunitiesService

UTC = datetime.timezone.utc
IN_PERIOD = datetime.datetime(2026, 3, 10, 12, tzinfo=UTC)
YEAR = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 12, 31)}

ACCOUNTS = [  # id, org, lists, rep 1
    ("a-l1", "o1", ["L1"], "u1"), ("a-l2", "o1", ["L2"], "u2"), ("a-gone", "o1", ["L1"], "u1"),
    ("b-other", "o2", ["L1"], "u1")]
CONTACTS = [  # id, account, lists, rep 1
    ("c-l1", "a-l1", ["L1"], "u1"), ("c-l2", "a-l2", ["L2"], "u2"), ("c-gone-with", "a-gone", ["L1"], "u1"),
    ("c-alone", None, ["L2"], "u2"), ("c-moved", "a-l2", ["L2"], "u2"), ("c-del", "a-l1", ["L1"], "u1")]
OPPORTUNITIES = [  # id, org, account, contact, stage, rep 1, rep 2, total, close date
    ("p1", "o1", "a-l1", None, "s10", "u1", None, "100", datetime.date(2026, 8, 1)),
    ("p2", "o1", "a-l2", None, "s50", "u2", None, "200", datetime.date(2026, 8, 1)),
    ("p3", "o1", "a-l2", None, "s100", "u2", None, "300", datetime.date(2026, 5, 1)),
    ("p4", "o1", "a-l1", None, "s0", None, "u1", "40", datetime.date(2026, 6, 1)),
    ("p5", "o1", "a-gone", None, "s10", "u1", None, "1000", datetime.date(2026, 8, 1)),  # account in the trash
    ("p6", "o1", "a-gone", None, "s100", "u1", None, "5000", datetime.date(2026, 5, 1)),  # account in the trash
    ("p7", "o1", "a-l1", "c-del", "s50", "u1", None, "7000", datetime.date(2026, 8, 1)),  # deleted with c-del
    ("p8", "o2", "b-other", None, "x10", "u1", None, "9", datetime.date(2026, 8, 1)),  # other organization
    ("p9", "o1", "a-l2", None, "s100", "u2", None, "11", datetime.date(2025, 12, 31))]  # closed before the period
TASKS = [  # id, org, type, assignee, author, contact, account, created
    ("t1", "o1", "call", "u1", "u1", "c-l1", "a-l1", IN_PERIOD),
    ("t2", "o1", "email", "u2", "u2", None, "a-l2", IN_PERIOD),
    ("t3", "o1", "meeting", "u2", "u1", None, None, IN_PERIOD),
    ("t4", "o1", "note", "u1", "u1", None, "a-gone", IN_PERIOD),  # account in the trash
    ("t5", "o1", "todo", "u1", "u1", "c-gone-with", "a-gone", IN_PERIOD),  # both links in the trash
    ("t6", "o1", "call", "u2", "u2", "c-alone", None, IN_PERIOD),  # contact in the trash, no account to move to
    ("t7", "o1", "email", "u2", "u2", "c-moved", None, IN_PERIOD),  # reattached to a-l2 when c-moved is deleted
    ("t8", "o1", "todo", "u1", "u1", "c-del", None, IN_PERIOD),  # deleted with c-del
    ("t9", "o1", "call", "u1", "u1", None, None, datetime.datetime(2025, 12, 31, 12, tzinfo=UTC)),  # before
    ("t10", "o2", "note", "u1", "u1", None, "b-other", IN_PERIOD),  # other organization
    ("t11", "o1", "todo", "u2", "u2", "c-l2", "a-l2", IN_PERIOD)]


def _seed(conn):
    conn.execute(account_refs.insert(), [
        {"id": i, "org_id": org, "name": i, "list_ids": lists, "rep1_id": rep, "version": 1}
        for i, org, lists, rep in ACCOUNTS])
    conn.execute(contact_refs.insert(), [
        {"id": i, "org_id": "o1", "account_id": account, "list_ids": lists, "rep1_id": rep, "version": 1}
        for i, account, lists, rep in CONTACTS])
    conn.execute(stages.insert(), [
        {"id": f"{prefix}{p}", "org_id": org, "probability": p, "color": "#000", "label_fr": f"{p} %",
         "label_en": f"{p} %"} for org, prefix in (("o1", "s"), ("o2", "x")) for p in (0, 10, 50, 100)])
    conn.execute(opportunities.insert(), [
        {"id": i, "org_id": org, "title": i, "account_id": account, "contact_id": contact, "stage_id": stage,
         "probability": int(stage[1:]), "rep1_id": rep1, "rep2_id": rep2, "total": total, "close_date": close,
         "source": "crm", "custom": {}, "version": 1}
        for i, org, account, contact, stage, rep1, rep2, total, close in OPPORTUNITIES])
    conn.execute(tasks.insert(), [
        {"id": i, "org_id": org, "type": kind, "status": "todo", "title": i, "assignee_id": assignee,
         "created_by": author, "contact_id": contact, "account_id": account, "version": 1, "created_at": created,
         "updated_at": created}
        for i, org, kind, assignee, author, contact, account, created in TASKS])


class SessionInbox:
    """The Inbox's part of a handler, in one given session: ``apply(session, data)`` of each event."""

    def __init__(self, session):
        self.session = session

    def handle(self, envelope, apply):
        apply(self.session, envelope["data"])


def _trash(engine):
    """Deletes in contacts, as the service's handlers of their events apply them."""
    occurred = datetime.datetime(2026, 4, 1, tzinfo=UTC).isoformat()
    events = [("account_deleted", {"account_id": "a-gone", "contact_ids": ["c-gone-with"], "dependents": "reattach"}),
              ("contact_deleted", {"contact_id": "c-alone", "account_id": None, "dependents": "reattach"}),
              ("contact_deleted", {"contact_id": "c-moved", "account_id": "a-l2", "dependents": "reattach"}),
              ("contact_deleted", {"contact_id": "c-del", "account_id": "a-l1", "dependents": "delete",
                                   "dependent_ids": {"opportunities": ["p7"], "tasks": ["t8"]}})]
    with Session(engine) as session, session.begin():
        service = worker_factory(OpportunitiesService, inbox=SessionInbox(session))
        for event_type, data in events:
            envelope = {**make_envelope({"org_id": "o1", "actor_id": "u1", **data}), "occurred_at": occurred}
            getattr(service, f"on_{event_type}")(envelope)


@pytest.fixture(scope="module")
def scope_engine():
    with migrated_database() as engine:
        with engine.begin() as conn:
            _seed(conn)
        _trash(engine)
        yield engine


def _actor(user_id, *, admin=False, lists=("L1", "L2"), subordinates=(), **flags):
    return {"org_id": "o1", "user_id": user_id, "is_admin": admin, "list_ids": list(lists), "language": "en",
            "timezone": "America/Toronto", "subordinate_ids": list(subordinates),
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags}}


def _figures(engine, actor, **query):
    with Session(engine) as session:
        result = dashboard.get_dashboard(session, actor=actor, query={**YEAR, **query})
    return {"user_id": result["user_id"],
            "pipeline": {s["stage_id"]: (s["count"], s["total"]) for s in result["pipeline"]},
            "won": (result["transactions"]["won"]["count"], result["transactions"]["won"]["total"]),
            "lost": (result["transactions"]["lost"]["count"], result["transactions"]["lost"]["total"]),
            "activities": {kind: count for kind, count in result["activities"].items() if count}}


ORGANIZATION = {"user_id": None, "pipeline": {"s10": (1, "100.00"), "s50": (1, "200.00")},
                "won": (1, "300.00"), "lost": (1, "40.00"),
                "activities": {"call": 1, "email": 2, "meeting": 1, "todo": 1}}
U2 = {"user_id": "u2", "pipeline": {"s10": (0, "0.00"), "s50": (1, "200.00")}, "won": (1, "300.00"),
      "lost": (0, "0.00"), "activities": {"email": 2, "meeting": 1, "todo": 1}}


def test_the_trash_is_as_contacts_left_it(scope_engine):
    """Guards the cases below: reattach hides without deleting, delete deletes, a reattached task moved."""
    with scope_engine.connect() as conn:
        opps = dict(conn.execute(sa.select(opportunities.c.id, opportunities.c.deleted_at.isnot(None))).all())
        task_rows = {r.id: r for r in conn.execute(sa.select(tasks.c.id, tasks.c.deleted_at, tasks.c.contact_id,
                                                             tasks.c.account_id))}
        trashed = conn.execute(sa.select(contact_refs.c.id).where(contact_refs.c.deleted_at.isnot(None))
                               .order_by(contact_refs.c.id)).scalars().all()
    assert (opps["p5"], opps["p6"], opps["p7"]) == (False, False, True)
    assert [task_rows[i].deleted_at is None for i in ("t4", "t5", "t6", "t8")] == [True, True, True, False]
    assert (task_rows["t7"].contact_id, task_rows["t7"].account_id) == (None, "a-l2")
    assert trashed == ["c-alone", "c-del", "c-gone-with", "c-moved"]


@pytest.mark.parametrize("actor", [
    _actor("u1", admin=True, lists=("L1",)),
    _actor("u1", admin=True, lists=()),
    _actor("u3", lists=("L2",)),
    _actor("u3", lists=("L1",), all_contacts=True),
], ids=["admin, one list selected", "admin, no list", "no all_contacts", "all_contacts, one list"])
def test_the_whole_organization_is_counted_whatever_the_lists_and_reps(scope_engine, actor):
    assert _figures(scope_engine, actor) == ORGANIZATION


def test_own_records_only_counts_their_own(scope_engine):
    """Opportunities where they are rep 1 or 2; tasks assigned to them or created by them (t3), as task lists."""
    own = _actor("u1", own_records_only=True)
    expected = {"user_id": "u1", "pipeline": {"s10": (1, "100.00"), "s50": (0, "0.00")}, "won": (0, "0.00"),
                "lost": (1, "40.00"), "activities": {"call": 1, "meeting": 1}}
    assert _figures(scope_engine, own) == expected
    assert _figures(scope_engine, own, user_id="u1") == expected  # the only user they may ask for
    assert _figures(scope_engine, _actor("u2", admin=True, own_records_only=True)) == U2


def test_user_id_narrows_to_one_users_records(scope_engine):
    assert _figures(scope_engine, _actor("u1", admin=True, lists=("L1",)), user_id="u2") == U2
    boss = _actor("u1", subordinates=("u2",), hierarchy_contacts=True)
    assert _figures(scope_engine, boss, user_id="u2") == U2
    assert _figures(scope_engine, _actor("u1", admin=True), user_id="u1") == {
        "user_id": "u1", "pipeline": {"s10": (1, "100.00"), "s50": (0, "0.00")}, "won": (0, "0.00"),
        "lost": (1, "40.00"), "activities": {"call": 1}}  # assigned to u1 (t3, created by u1, is u2's)


@pytest.mark.parametrize("actor", [
    _actor("u1"),
    _actor("u1", all_contacts=True),
    _actor("u1", subordinates=("u2",)),
    _actor("u1", subordinates=("u3",), hierarchy_contacts=True),
    _actor("u1", admin=True, own_records_only=True),
], ids=["member", "all_contacts", "subordinate without the flag", "not below them", "limited to own records"])
def test_another_users_figures_are_refused(scope_engine, actor):
    with pytest.raises(Forbidden), Session(scope_engine) as session:
        dashboard.get_dashboard(session, actor=actor, query={**YEAR, "user_id": "u2"})
