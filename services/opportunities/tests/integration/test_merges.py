"""What a merge of contacts or accounts (C-20) does here (carnet_opportunities/merges/): on ``contact_merged`` the
loser's tasks and opportunities name the winner and the loser leaves the read model; ``contact_merge_undone``
moves exactly those back; each event is applied once (N-3), and an undo handled before its merge leaves the merge
with nothing to move. Against the service as a process; the events are published as the contacts service does."""
import sqlalchemy as sa
from opp_helpers import contact_event, make_actor, moments, ref, seed_account, uid

from carnet_testing import eventually


def _stage_id(rpc, actor):
    return next(s["id"] for s in rpc.list_stages(actor) if s["probability"] == 25)


def _merge_data(org, merge_id, winner_id, loser_id, **extra):
    return {"org_id": org, "actor_id": "u1", "merge_id": merge_id, "winner_id": winner_id, "loser_id": loser_id,
            **extra}


def _updates(engine, item_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT event_type FROM opportunities.outbox WHERE event_type IN ('task_updated', 'opportunity_updated') "
            "AND (envelope->'data'->>'id' = :id OR envelope->'data'->'opportunity'->>'id' = :id)"),
            {"id": item_id}).scalars().all()


def _undone(engine, merge_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT 1 FROM opportunities.merge_moves WHERE merge_id = :m AND "
                                    "item_type = 'undone'"), {"m": merge_id}).first() is not None


def test_a_contact_merge_moves_tasks_and_opportunities_and_its_undo_moves_them_back(opp_rpc, opp_publish,
                                                                                    opp_engine):
    org = uid("org")
    at = moments()
    account_id, loser_id = seed_account(opp_publish, opp_engine, org)
    winner_id = uid("con")
    opp_publish(*contact_event(org, winner_id, account_id))
    eventually(lambda: ref(opp_engine, "contact_refs", winner_id))
    user = make_actor(org, list_ids=["L1"])
    task = opp_rpc.create_task(user, {"type": "call", "title": "Appel", "contact_id": loser_id})
    opportunity = opp_rpc.create_opportunity(user, {"title": "Vente", "account_id": account_id,
                                                    "contact_id": loser_id, "stage_id": _stage_id(opp_rpc, user)})
    other = opp_rpc.create_task(user, {"type": "todo", "title": "Autre", "contact_id": winner_id})
    merge_id = uid("merge")
    envelope = opp_publish("contact_merged", _merge_data(org, merge_id, winner_id, loser_id,
                                                         winner_account_id=account_id, loser_account_id=account_id),
                           occurred_at=next(at))
    eventually(lambda: opp_rpc.get_task(user, task["id"])["contact_id"] == winner_id)
    assert opp_rpc.get_opportunity(user, opportunity["id"])["contact_id"] == winner_id
    assert ref(opp_engine, "contact_refs", loser_id)["deleted_at"] is not None
    assert _updates(opp_engine, task["id"]) == ["task_updated"]
    # delivered again: applied once (the inbox), nothing moves twice
    opp_publish("contact_merged", envelope["data"], envelope=envelope)
    opp_publish("contact_merge_undone", _merge_data(org, merge_id, winner_id, loser_id), occurred_at=next(at))
    eventually(lambda: opp_rpc.get_task(user, task["id"])["contact_id"] == loser_id)
    assert opp_rpc.get_opportunity(user, opportunity["id"])["contact_id"] == loser_id
    assert opp_rpc.get_task(user, other["id"])["contact_id"] == winner_id  # the winner's own stay
    assert ref(opp_engine, "contact_refs", loser_id)["deleted_at"] is None
    assert _updates(opp_engine, task["id"]) == ["task_updated", "task_updated"]


def test_an_undo_handled_before_its_merge_leaves_the_merge_nothing_to_move(opp_rpc, opp_publish, opp_engine):
    org = uid("org")
    at = moments()
    account_id, loser_id = seed_account(opp_publish, opp_engine, org)
    winner_id, merge_id = uid("acc"), uid("merge")
    user = make_actor(org, list_ids=["L1"])
    task = opp_rpc.create_task(user, {"type": "call", "title": "Appel", "account_id": account_id})
    opp_publish("account_merge_undone", _merge_data(org, merge_id, winner_id, account_id, contact_ids=[]),
                occurred_at=next(at))
    eventually(lambda: _undone(opp_engine, merge_id))
    opp_publish("account_merged", _merge_data(org, merge_id, winner_id, account_id, contact_ids=[]),
                occurred_at=next(at))
    eventually(lambda: ref(opp_engine, "account_refs", account_id)["deleted_at"] is not None)
    # the merged-away account is hidden (its task with it), and its task did not move to the winner
    assert ref(opp_engine, "tasks", task["id"])["account_id"] == account_id
