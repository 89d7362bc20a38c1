"""Action criteria count only the opportunities and tasks the caller could see in the opportunities service
(C-12 with S-4, C-2, O-1; records/repository/summary_visibility.py): a filter never tells a limited user of one
they cannot see.

Events are published on RabbitMQ as the opportunities service's relay does and consumed by the contacts
service running as a process; the criteria are asked over RPC like the gateway does.
"""
import json
import uuid

import pytest
from contacts_helpers import event_ids, make_actor

from carnet_common.events import make_envelope
from carnet_testing import handled

RIVAL = str(uuid.uuid4())  # another rep of the organization


def _send(dispatch, engine, *events):
    """Publish ``(event_type, data)`` pairs in order, each once handled (recorded in contacts' inbox)."""
    for event_type, data in events:
        envelope = make_envelope(data)
        dispatch("opportunities", event_type, envelope)
        handled(engine, "contacts", event_ids(envelope))


def _opportunity(org_id, *, account_id, stage_id, contact_id=None, reps=None, version=1):
    """``opportunities.opportunity_created/updated`` data (carnet_opportunities/events.py); ``reps`` =
    ``(rep1_id, rep2_id)``, left out of the payload when None."""
    opportunity = {"id": str(uuid.uuid4()), "account_id": account_id, "contact_id": contact_id,
                   "stage_id": stage_id, "probability": 90, "total": "100.00", "source": "crm",
                   "version": version, "close_date": None}
    if reps is not None:
        opportunity.update(rep1_id=reps[0], rep2_id=reps[1])
    return {"org_id": org_id, "actor_id": RIVAL, "opportunity": opportunity}


def _task(org_id, *, type="call", assignee_id=RIVAL, actor_id=RIVAL, contact_id=None, account_id=None,
          opportunity_id=None, version=1, task_id=None):
    """``opportunities.task_*`` data as the opportunities service publishes it."""
    return {"id": task_id or str(uuid.uuid4()), "org_id": org_id, "type": type, "status": "todo",
            "assignee_id": assignee_id, "contact_id": contact_id, "account_id": account_id,
            "opportunity_id": opportunity_id, "version": version, "actor_id": actor_id}


def _found(rpc, actor, leaf, record_type="contact"):
    search = rpc.search_contacts if record_type == "contact" else rpc.search_accounts
    page = search(actor, {"criteria": json.dumps(leaf), "per_page": 100})
    return {record["id"] for record in page["items"]}


def _stage(stage_id, cmp="eq"):
    return {"field": "opportunity.stage_id", "cmp": cmp, "value": stage_id}


def _typed(task_type, cmp="eq"):
    return {"field": "task.type", "cmp": cmp, "value": task_type}


@pytest.fixture
def world(rpc):
    """An admin, a user limited to their own records (S-4, sees every contact) and a rep who sees only their
    own contacts; account A (contacts c1, c2) and B (c3) of everyone's list; account C (rival's) with c5, a
    contact of the rep."""
    admin = make_actor(is_admin=True, all_contacts=True)
    org_id = admin["org_id"]
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})["id"]
    limited = make_actor(org_id, all_contacts=True)
    limited["flags"]["own_records_only"] = True
    rep = make_actor(org_id)
    for user in (limited, rep):
        rpc.set_selected_lists(user, {"list_ids": [shared]})
    a, b = (rpc.create_account(admin, {"name": name, "list_ids": [shared]})["id"] for name in ("A", "B"))
    c1, c2 = (rpc.create_account_contact(admin, a, {"last_name": name})["id"] for name in ("Un", "Deux"))
    c3 = rpc.create_account_contact(admin, b, {"last_name": "Trois"})["id"]
    c = rpc.create_account(admin, {"name": "C", "list_ids": [shared], "rep1_id": RIVAL})["id"]
    c5 = rpc.create_account_contact(admin, c, {"last_name": "Cinq", "rep1_id": rep["user_id"]})["id"]
    return {"org_id": org_id, "admin": admin, "limited": limited, "rep": rep, "a": a, "b": b, "c": c,
            "c1": c1, "c2": c2, "c3": c3, "c5": c5}


def test_a_limited_user_counts_only_the_opportunities_whose_rep_they_are(rpc, dispatch, engine, world):
    w, org_id, me = world, world["org_id"], world["limited"]["user_id"]
    order, quote, lost = (str(uuid.uuid4()) for _ in range(3))
    _send(dispatch, engine, *[("opportunity_created", data) for data in (
        _opportunity(org_id, account_id=w["a"], contact_id=w["c1"], stage_id=order, reps=(RIVAL, None)),
        _opportunity(org_id, account_id=w["b"], contact_id=w["c3"], stage_id=order, reps=(me, None)),
        _opportunity(org_id, account_id=w["a"], stage_id=quote, reps=(RIVAL, me)),
        _opportunity(org_id, account_id=w["b"], stage_id=lost))])  # an event without reps: nobody's
    admin, limited = w["admin"], w["limited"]
    # A's only order is the rival's: the admin finds its contacts (O-1), the limited user does not
    assert _found(rpc, admin, _stage(order)) == {w["c1"], w["c2"], w["c3"]}
    assert _found(rpc, limited, _stage(order)) == {w["c3"]}
    assert {w["c1"], w["c2"]} <= _found(rpc, limited, _stage(order, "ne"))  # none they could see
    assert _found(rpc, limited, _stage(quote)) == {w["c1"], w["c2"]}  # rep 2 is theirs too
    assert _found(rpc, admin, _stage(lost)) == {w["c3"]}
    assert _found(rpc, limited, _stage(lost)) == set()
    assert _found(rpc, admin, _stage(order), "account") == {w["a"], w["b"]}
    assert _found(rpc, limited, _stage(order), "account") == {w["b"]}
    assert _found(rpc, limited, {"field": "account.opportunity.stage_id", "cmp": "eq", "value": order}) == {
        w["c3"]}


def test_an_opportunity_counts_only_on_an_account_the_caller_sees(rpc, dispatch, engine, world):
    """The rep sees c5 (their contact) but not its account C (the rival's): C's opportunities are not theirs
    to see (O-1, C-2), even named on c5."""
    w, stage = world, str(uuid.uuid4())
    _send(dispatch, engine, ("opportunity_created", _opportunity(
        w["org_id"], account_id=w["c"], contact_id=w["c5"], stage_id=stage, reps=(w["rep"]["user_id"], None))))
    assert _found(rpc, w["admin"], _stage(stage)) == {w["c5"]}
    assert w["c5"] in _found(rpc, w["rep"], {"field": "last_name", "cmp": "eq", "value": "Cinq"})
    assert _found(rpc, w["rep"], _stage(stage)) == set()


def test_a_limited_user_counts_only_the_tasks_assigned_to_them_or_created_by_them(rpc, dispatch, engine, world):
    w, org_id, me = world, world["org_id"], world["limited"]["user_id"]
    _send(dispatch, engine, *[("task_created", data) for data in (
        _task(org_id, contact_id=w["c1"], account_id=w["a"], assignee_id=me),
        _task(org_id, contact_id=w["c2"], account_id=w["a"], actor_id=me),
        _task(org_id, contact_id=w["c3"], account_id=w["b"]),
        _task(org_id, type="todo", account_id=w["a"]))])
    admin, limited = w["admin"], w["limited"]
    assert _found(rpc, admin, _typed("call")) == {w["c1"], w["c2"], w["c3"]}
    assert _found(rpc, limited, _typed("call")) == {w["c1"], w["c2"]}
    assert w["c3"] in _found(rpc, limited, _typed("call", "ne"))
    assert _found(rpc, limited, {"field": "task", "cmp": "eq", "value": {"type": "call", "status": "todo"}}) == {
        w["c1"], w["c2"]}
    assert _found(rpc, admin, _typed("todo"), "account") == {w["a"]}
    assert _found(rpc, limited, _typed("todo"), "account") == set()


def test_a_tasks_author_is_kept_whatever_order_its_events_arrive_in(rpc, dispatch, engine, world):
    w, org_id, me = world, world["org_id"], world["limited"]["user_id"]
    created = _task(org_id, type="meeting", contact_id=w["c3"], actor_id=me)
    _send(dispatch, engine, ("task_updated", {**created, "version": 2}),  # overtook its creation
          ("task_created", created), ("task_updated", {**created, "version": 3}))  # edited by the rival
    assert _found(rpc, w["limited"], _typed("meeting")) == {w["c3"]}

    assigned = _task(org_id, type="email", contact_id=w["c3"], assignee_id=me)
    _send(dispatch, engine, ("task_created", assigned))
    assert _found(rpc, w["limited"], _typed("email")) == {w["c3"]}
    _send(dispatch, engine, ("task_updated", {**assigned, "assignee_id": RIVAL, "version": 2}))  # handed over
    assert _found(rpc, w["limited"], _typed("email")) == set()
    assert _found(rpc, w["admin"], _typed("email")) == {w["c3"]}


def test_a_task_on_an_opportunity_the_caller_cannot_see_does_not_count(rpc, dispatch, engine, world):
    w, org_id, me = world, world["org_id"], world["limited"]["user_id"]
    theirs = _opportunity(org_id, account_id=w["a"], contact_id=w["c1"], stage_id=str(uuid.uuid4()),
                          reps=(RIVAL, None))
    mine = _opportunity(org_id, account_id=w["a"], contact_id=w["c2"], stage_id=str(uuid.uuid4()),
                        reps=(me, None))
    _send(dispatch, engine, ("opportunity_created", theirs), ("opportunity_created", mine),
          ("task_created", _task(org_id, type="note", contact_id=w["c1"], assignee_id=me,
                                 opportunity_id=theirs["opportunity"]["id"])),
          ("task_created", _task(org_id, type="note", contact_id=w["c2"], assignee_id=me,
                                 opportunity_id=mine["opportunity"]["id"])))
    assert _found(rpc, w["admin"], _typed("note")) == {w["c1"], w["c2"]}
    assert _found(rpc, w["limited"], _typed("note")) == {w["c2"]}
