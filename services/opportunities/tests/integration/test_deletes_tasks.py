"""Tasks (and opportunities) in the delete conversation of contacts and accounts (C-10): listed by
``dependents_of``, deleted with the record or reattached to its account as the caller chose, back with a
restore, removed when contacts purges the record for good. Against the service as a process with real
PostgreSQL and RabbitMQ; the contacts events are published as the contacts service publishes them."""
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from opp_helpers import contact_event, make_actor, moments, seed_account, uid

from carnet_common.errors import NotFound
from carnet_testing import eventually, metric_value


@pytest.fixture()
def org():
    return uid("org")


@pytest.fixture()
def seeded(opp_publish, opp_engine, org):
    return seed_account(opp_publish, opp_engine, org, list_ids=["L1"])


@pytest.fixture()
def lifecycle(opp_publish):
    """Publishes each lifecycle event a second after the previous one (the read model orders them by their
    envelope's ``occurred_at``)."""
    at = moments()

    def publish(event_type, data):
        return opp_publish(event_type, data, occurred_at=next(at))
    return publish


def _deleted(org, record_type, record_id, *, dependents, account_id=None, contact_ids=(), opportunities=(),
             tasks=()):
    """A delete event as contacts publishes it: with ``dependents=delete``, the ids the caller may delete."""
    data = {"org_id": org, "actor_id": "u1", f"{record_type}_id": record_id,
            "deleted_at": datetime.now(timezone.utc).isoformat(), "dependents": dependents,
            "dependent_ids": {"opportunities": list(opportunities), "tasks": list(tasks)}}
    if record_type == "contact":
        data["account_id"] = account_id
    else:
        data["contact_ids"] = list(contact_ids)
    return f"{record_type}_deleted", data


def _restored(org, record_type, record_id, *, account_id=None, contact_ids=()):
    data = {"org_id": org, "actor_id": "u1", f"{record_type}_id": record_id}
    if record_type == "contact":
        data["account_id"] = account_id
    else:
        data["contact_ids"] = list(contact_ids)
    return f"{record_type}_restored", data


def _duplicates(processes):
    """How many deliveries of already handled ``contact_deleted`` events the service ignored."""
    return metric_value(processes.address("opportunities"), "carnet_events_duplicate_total",
                        service="opportunities", handler="opportunities.on_contact_deleted") or 0


def _hidden(rpc, actor, task_id):
    try:
        rpc.get_task(actor, task_id)
        return False
    except NotFound:
        return True


def _row(engine, table, record_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT * FROM opportunities.{table} WHERE id = :id"),
                            {"id": record_id}).mappings().first()


def _task_events(engine, task_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT event_type, (envelope->'data'->>'version')::int AS version FROM opportunities.outbox "
            "WHERE event_type LIKE 'task_%' AND envelope->'data'->>'id' = :id ORDER BY created_at"),
            {"id": task_id}).all()


def _stage_id(rpc, actor):
    return next(s["id"] for s in rpc.list_stages(actor) if s["probability"] == 25)


def test_dependents_of_lists_and_counts_the_tasks_the_caller_sees(opp_rpc, org, seeded):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    colleague = make_actor(org, "u2", list_ids=["L1"], all_contacts=True)
    on_both = opp_rpc.create_task(user, {"type": "call", "title": "Appel", "contact_id": contact_id,
                                         "account_id": account_id, "due_at": "2026-03-10T14:00:00Z"})
    on_account = opp_rpc.create_task(user, {"type": "todo", "title": "Compte", "account_id": account_id})
    theirs = opp_rpc.create_task(colleague, {"type": "note", "title": "Note", "contact_id": contact_id})
    opp_rpc.create_task(user, {"type": "todo", "title": "Seule"})

    preview = opp_rpc.dependents_of(user, "contact", contact_id)
    assert [t["id"] for t in preview["tasks"]] == [on_both["id"], theirs["id"]] and preview["tasks_total"] == 2
    assert preview["tasks"][0] == {"id": on_both["id"], "type": "call", "status": "todo", "title": "Appel",
                                   "due_at": "2026-03-10T14:00:00+00:00", "assignee_id": "u1"}
    limited = make_actor(org, list_ids=["L1"], own_records_only=True)  # S-4: only their own tasks
    preview = opp_rpc.dependents_of(limited, "contact", contact_id)
    # the colleague's task is neither listed nor counted (issue 10 §1)
    assert [t["id"] for t in preview["tasks"]] == [on_both["id"]] and preview["tasks_total"] == 1
    # an account: its tasks and those of its contacts
    preview = opp_rpc.dependents_of(user, "account", account_id)
    assert {t["id"] for t in preview["tasks"]} == {on_both["id"], on_account["id"], theirs["id"]}
    assert preview["tasks_total"] == 3
    stranger = opp_rpc.dependents_of(make_actor(uid("org"), list_ids=["L1"]), "account", account_id)
    assert (stranger["tasks"], stranger["tasks_total"]) == ([], 0)


def test_reattach_moves_a_contacts_tasks_to_its_account_keeping_their_opportunity(opp_rpc, opp_engine, org, seeded,
                                                                                lifecycle):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    opportunity = opp_rpc.create_opportunity(user, {"title": "Vente", "account_id": account_id,
                                                    "stage_id": _stage_id(opp_rpc, user)})
    alone = opp_rpc.create_task(user, {"type": "call", "title": "Seul", "contact_id": contact_id})
    with_opportunity = opp_rpc.create_task(user, {"type": "email", "title": "Suivi", "contact_id": contact_id,
                                                  "opportunity_id": opportunity["id"]})
    lifecycle(*_deleted(org, "contact", contact_id, dependents="reattach", account_id=account_id))

    moved = eventually(lambda: (t := opp_rpc.get_task(user, alone["id"]))["contact_id"] is None and t)
    assert (moved["account_id"], moved["version"]) == (account_id, 2)
    kept = opp_rpc.get_task(user, with_opportunity["id"])
    assert (kept["contact_id"], kept["account_id"], kept["opportunity_id"]) == \
        (None, account_id, opportunity["id"])
    assert _task_events(opp_engine, alone["id"]) == [("task_created", 1), ("task_updated", 2)]
    # the restored contact does not take them back: they were reattached for good
    lifecycle(*_restored(org, "contact", contact_id, account_id=account_id))
    eventually(lambda: _row(opp_engine, "contact_refs", contact_id)["deleted_at"] is None)
    assert opp_rpc.get_task(user, alone["id"])["contact_id"] is None


def test_a_contact_without_an_account_keeps_its_tasks_hidden_until_restored(opp_rpc, opp_publish, opp_engine, org,
                                                                            lifecycle):
    contact_id = uid("con")
    opp_publish(*contact_event(org, contact_id, None))
    eventually(lambda: _row(opp_engine, "contact_refs", contact_id))
    user = make_actor(org, list_ids=["L1"])
    task = opp_rpc.create_task(user, {"type": "call", "title": "Orphelin", "contact_id": contact_id})
    lifecycle(*_deleted(org, "contact", contact_id, dependents="reattach"))
    eventually(lambda: _hidden(opp_rpc, user, task["id"]))
    row = _row(opp_engine, "tasks", task["id"])
    assert (row["contact_id"], row["deleted_at"], row["version"]) == (contact_id, None, 1)
    lifecycle(*_restored(org, "contact", contact_id))
    eventually(lambda: not _hidden(opp_rpc, user, task["id"]))


def test_delete_takes_a_contacts_tasks_with_it_once_and_a_restore_brings_them_back(opp_rpc, opp_publish, opp_engine,
                                                                                 opp_processes, org, seeded,
                                                                                 lifecycle):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    task = opp_rpc.create_task(user, {"type": "meeting", "title": "Visite", "contact_id": contact_id})
    other = opp_rpc.create_task(user, {"type": "todo", "title": "Compte seul", "account_id": account_id})
    unnamed = opp_rpc.create_task(user, {"type": "call", "title": "Pas nommée", "contact_id": contact_id})
    duplicates = _duplicates(opp_processes)
    envelope = lifecycle(*_deleted(org, "contact", contact_id, dependents="delete", account_id=account_id,
                                   tasks=[task["id"], other["id"]]))
    opp_publish("contact_deleted", envelope["data"], envelope=envelope)  # delivered twice: applied once (Inbox)

    eventually(lambda: _hidden(opp_rpc, user, task["id"]))
    row = _row(opp_engine, "tasks", task["id"])
    assert row["deleted_with"] == contact_id and row["deleted_at"] is not None
    # named but not on the contact: untouched; on the contact but not named: left in place, moved to its account
    assert {t["id"] for t in opp_rpc.list_tasks(user, {"account_id": account_id})["items"]} == \
        {other["id"], unnamed["id"]}
    assert opp_rpc.get_task(user, unnamed["id"])["contact_id"] is None
    assert opp_rpc.dependents_of(user, "account", account_id)["tasks_total"] == 2
    eventually(lambda: _duplicates(opp_processes), lambda n: n == duplicates + 1,
               what="the second delivery handled as a duplicate")
    assert _row(opp_engine, "tasks", task["id"])["version"] == 2
    assert _task_events(opp_engine, task["id"]) == [("task_created", 1), ("task_deleted", 2)]

    lifecycle(*_restored(org, "contact", contact_id, account_id=account_id))
    back = eventually(lambda: not _hidden(opp_rpc, user, task["id"]) and opp_rpc.get_task(user, task["id"]))
    assert (back["contact_id"], back["version"]) == (contact_id, 3)
    assert _row(opp_engine, "tasks", task["id"])["deleted_with"] is None
    assert _task_events(opp_engine, task["id"])[-1] == ("task_updated", 3)


@pytest.mark.parametrize("dependents", ["delete", "reattach"])
def test_an_accounts_tasks_and_opportunities_go_and_come_back_with_it(opp_rpc, opp_publish, opp_engine, org, seeded,
                                                                      lifecycle, dependents):
    """``reattach`` on an account: nothing to reattach to, so they stay (not deleted) but hidden with it."""
    account_id, contact_id = seeded
    elsewhere, _ = seed_account(opp_publish, opp_engine, org, list_ids=["L1"], with_contact=False)
    user = make_actor(org, list_ids=["L1"])
    opportunity = opp_rpc.create_opportunity(user, {"title": "Vente", "account_id": account_id,
                                                    "stage_id": _stage_id(opp_rpc, user)})
    on_account = opp_rpc.create_task(user, {"type": "todo", "title": "Compte", "account_id": account_id})
    on_contact = opp_rpc.create_task(user, {"type": "call", "title": "Contact", "contact_id": contact_id})
    untouched = opp_rpc.create_task(user, {"type": "call", "title": "Ailleurs", "account_id": elsewhere})
    named = {"opportunities": [opportunity["id"]], "tasks": [on_account["id"], on_contact["id"], untouched["id"]]}
    lifecycle(*_deleted(org, "account", account_id, dependents=dependents, contact_ids=[contact_id],
                        **(named if dependents == "delete" else {})))

    eventually(lambda: _hidden(opp_rpc, user, on_account["id"]) and _hidden(opp_rpc, user, on_contact["id"]))
    with pytest.raises(NotFound):
        opp_rpc.get_opportunity(user, opportunity["id"])
    assert opp_rpc.get_task(user, untouched["id"])["title"] == "Ailleurs"
    deleted_with = account_id if dependents == "delete" else None
    for task in (on_account, on_contact):
        assert _row(opp_engine, "tasks", task["id"])["deleted_with"] == deleted_with
    assert _row(opp_engine, "opportunities", opportunity["id"])["deleted_with"] == deleted_with

    lifecycle(*_restored(org, "account", account_id, contact_ids=[contact_id]))
    eventually(lambda: not _hidden(opp_rpc, user, on_account["id"]) and not _hidden(opp_rpc, user, on_contact["id"]))
    assert opp_rpc.get_opportunity(user, opportunity["id"])["title"] == "Vente"


def test_a_purged_contact_takes_what_was_deleted_with_it(opp_rpc, opp_engine, org, seeded, lifecycle):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    stage_id = _stage_id(opp_rpc, user)
    dropped = opp_rpc.create_opportunity(user, {"title": "Partie", "account_id": account_id, "contact_id": contact_id,
                                                "stage_id": stage_id, "lines": [{"quantity": "1", "unit_price": "5"}]})
    kept = opp_rpc.create_opportunity(user, {"title": "Reste", "account_id": account_id, "stage_id": stage_id})
    task = opp_rpc.create_task(user, {"type": "call", "title": "Partie", "contact_id": contact_id})
    on_opportunity = opp_rpc.create_task(user, {"type": "todo", "title": "Sur l'opportunité",
                                                "opportunity_id": dropped["id"]})
    with_account = opp_rpc.create_task(user, {"type": "todo", "title": "Compte et opportunité",
                                              "account_id": account_id, "opportunity_id": dropped["id"]})
    lifecycle(*_deleted(org, "contact", contact_id, dependents="delete", account_id=account_id,
                        opportunities=[dropped["id"]], tasks=[task["id"]]))
    eventually(lambda: _hidden(opp_rpc, user, task["id"]))

    lifecycle("contact_purged", {"org_id": org, "actor_id": None, "contact_id": contact_id,
                                             "account_id": account_id})
    eventually(lambda: _row(opp_engine, "contact_refs", contact_id) is None)
    for table, record_id in (("tasks", task["id"]), ("opportunities", dropped["id"]),
                             ("tasks", on_opportunity["id"])):  # its only link was purged
        assert _row(opp_engine, table, record_id) is None, (table, record_id)
    with opp_engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM opportunities.opportunity_lines WHERE opportunity_id = :id"),
                            {"id": dropped["id"]}).scalar() == 0
    left = opp_rpc.get_task(user, with_account["id"])
    assert (left["account_id"], left["opportunity_id"]) == (account_id, None)
    assert opp_rpc.get_opportunity(user, kept["id"])["title"] == "Reste"


def test_a_purged_account_takes_everything_hidden_with_it(opp_rpc, opp_engine, org, seeded, lifecycle):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    opportunity = opp_rpc.create_opportunity(user, {"title": "Cachée", "account_id": account_id,
                                                    "stage_id": _stage_id(opp_rpc, user)})
    on_account = opp_rpc.create_task(user, {"type": "todo", "title": "Compte", "account_id": account_id})
    on_contact = opp_rpc.create_task(user, {"type": "call", "title": "Contact", "contact_id": contact_id})
    lifecycle(*_deleted(org, "account", account_id, dependents="reattach", contact_ids=[contact_id]))
    eventually(lambda: _hidden(opp_rpc, user, on_account["id"]))

    lifecycle("contact_purged", {"org_id": org, "actor_id": None, "contact_id": contact_id,
                                             "account_id": account_id})
    lifecycle("account_purged", {"org_id": org, "actor_id": None, "account_id": account_id})
    eventually(lambda: _row(opp_engine, "account_refs", account_id) is None
             and _row(opp_engine, "contact_refs", contact_id) is None)
    for table, record_id in (("opportunities", opportunity["id"]), ("tasks", on_account["id"]),
                             ("tasks", on_contact["id"])):
        assert _row(opp_engine, table, record_id) is None, (table, record_id)
    assert _task_events(opp_engine, on_account["id"])[-1][0] == "task_deleted"
    with opp_engine.connect() as conn:
        kinds = conn.execute(sa.text(
            "SELECT event_type FROM opportunities.outbox WHERE envelope->'data'->>'opportunity_id' = :id"),
            {"id": opportunity["id"]}).scalars().all()
    assert kinds == ["opportunity_deleted"]


# What a delete with dependents=delete may take (issue 10 §1) ---------------------------------------------------

def test_dependents_to_delete_answers_only_what_the_caller_sees_and_may_delete(opp_rpc, opp_publish, opp_engine,
                                                                               org, seeded):
    """Asked by contacts as the caller before it deletes: each opportunity and task they see goes to the one record
    it hangs on (the contact it names before the account it is on); a read-only accounting opportunity is left,
    with why; another rep's under ``own_records_only``, another organization's, are neither taken nor mentioned."""
    account_id, contact_id = seeded
    other_contact = uid("con")
    opp_publish(*contact_event(org, other_contact, account_id))
    eventually(lambda: _row(opp_engine, "contact_refs", other_contact))
    me = make_actor(org, list_ids=["L1"], own_records_only=True)
    colleague = make_actor(org, "u2", list_ids=["L1"], all_contacts=True)
    stage_id = _stage_id(opp_rpc, me)
    named = opp_rpc.create_opportunity(me, {"title": "Nommée", "account_id": account_id, "contact_id": contact_id,
                                            "stage_id": stage_id})
    on_account = opp_rpc.create_opportunity(me, {"title": "Compte", "account_id": account_id, "stage_id": stage_id})
    theirs = opp_rpc.create_opportunity(colleague, {"title": "Leur", "account_id": account_id,
                                                    "contact_id": contact_id, "stage_id": stage_id})
    accounting = opp_rpc.import_opportunity(me, {"title": "FAC1", "account_id": account_id, "contact_id": contact_id,
                                                 "stage_id": stage_id, "source": "acomba"})
    my_task = opp_rpc.create_task(me, {"type": "call", "title": "Moi", "contact_id": contact_id})
    task_of_other_contact = opp_rpc.create_task(me, {"type": "call", "title": "Autre", "contact_id": other_contact})
    account_task = opp_rpc.create_task(me, {"type": "todo", "title": "Compte", "account_id": account_id})
    their_task = opp_rpc.create_task(colleague, {"type": "call", "title": "Leur", "contact_id": contact_id})

    plan = opp_rpc.dependents_to_delete(me, {"contact_ids": [contact_id]})
    assert plan == {"by_record": {contact_id: {"opportunities": [named["id"]], "tasks": [my_task["id"]]}},
                    "left": [{"type": "opportunity", "id": accounting["id"], "reason": "read_only"}]}
    plan = opp_rpc.dependents_to_delete(me, {"accounts": [{"id": account_id,
                                                           "contact_ids": [contact_id, other_contact]}]})
    assert sorted(plan["by_record"][account_id]["opportunities"]) == sorted([named["id"], on_account["id"]])
    assert sorted(plan["by_record"][account_id]["tasks"]) == sorted(
        [my_task["id"], task_of_other_contact["id"], account_task["id"]])
    # a contact and the account it emptied, deleted together: each one once, on the contact it names first
    plan = opp_rpc.dependents_to_delete(me, {"contact_ids": [contact_id], "accounts": [{"id": account_id}]})
    assert plan["by_record"][contact_id] == {"opportunities": [named["id"]], "tasks": [my_task["id"]]}
    assert plan["by_record"][account_id] == {"opportunities": [on_account["id"]], "tasks": [account_task["id"]]}
    everything = opp_rpc.dependents_to_delete(colleague, {"contact_ids": [contact_id]})
    assert {theirs["id"], named["id"]} == set(everything["by_record"][contact_id]["opportunities"])
    assert their_task["id"] in everything["by_record"][contact_id]["tasks"]
    stranger = opp_rpc.dependents_to_delete(make_actor(uid("org"), list_ids=["L1"], all_contacts=True),
                                            {"contact_ids": [contact_id]})
    assert stranger == {"by_record": {contact_id: {"opportunities": [], "tasks": []}}, "left": []}


def test_a_delete_event_never_takes_a_read_only_opportunity_nor_one_hanging_elsewhere(opp_rpc, opp_engine, org,
                                                                                      seeded, lifecycle):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    stage_id = _stage_id(opp_rpc, user)
    accounting = opp_rpc.import_opportunity(user, {"title": "FAC2", "account_id": account_id, "contact_id": contact_id,
                                                   "stage_id": stage_id, "source": "quickbooks"})
    mine = opp_rpc.create_opportunity(user, {"title": "À moi", "account_id": account_id, "contact_id": contact_id,
                                             "stage_id": stage_id})
    lifecycle(*_deleted(org, "contact", contact_id, dependents="delete", account_id=account_id,
                        opportunities=[accounting["id"], mine["id"]]))
    eventually(lambda: _row(opp_engine, "opportunities", mine["id"])["deleted_with"] == contact_id)
    row = _row(opp_engine, "opportunities", accounting["id"])
    assert (row["deleted_at"], row["deleted_with"], row["contact_id"]) == (None, None, None)  # as with reattach
