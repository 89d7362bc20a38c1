"""The read model of contacts converges after every contacts event — created, updated (newest version wins),
deleted, restored, moved, memberships, lists deleted — whatever the order, and the same event twice changes
nothing. Events are published as the contacts service publishes them; the last tests drive the real contacts
service and compare the read model with its source.

Where a test asserts that an event changed nothing, it first waits for proof that the event was handled: its
inbox row (``handled``), or for a second delivery of the same event, the duplicate counted by the service."""
from datetime import datetime, timedelta, timezone
from uuid import UUID

import sqlalchemy as sa
from opp_helpers import account_event, contact_event, make_actor, ref, uid

from carnet_testing import eventually, handled, metric_value

SCHEMA = "opportunities"


def _state(engine, table, record_id):
    row = ref(engine, table, record_id)
    return None if row is None else {k: v for k, v in row.items() if k != "lifecycle_at"}


def _handled(engine, envelope):
    """Until the service recorded the event in its inbox (its ``event_id`` as a UUID: the inbox keys on a uuid
    column, which a text parameter does not compare with)."""
    handled(engine, SCHEMA, [UUID(envelope["event_id"])])


def _duplicates(processes, handler):
    """How many deliveries of already handled events ``handler`` (``opportunities.<method>``) ignored."""
    return metric_value(processes.address("opportunities"), "carnet_events_duplicate_total", service=SCHEMA,
                        handler=handler) or 0


def test_created_then_updated_newest_version_wins(opp_publish, opp_engine):
    org, account_id = uid("org"), uid("acc")
    opp_publish(*account_event(org, account_id, name="Acme", version=1, list_ids=["L1", "L2"]))
    eventually(lambda: ref(opp_engine, "account_refs", account_id))
    opp_publish(*account_event(org, account_id, name="Acme 3", version=3, created=False, list_ids=["L1"]))
    eventually(lambda: ref(opp_engine, "account_refs", account_id)["version"] == 3)
    late = opp_publish(*account_event(org, account_id, name="Acme 2", version=2, created=False))  # late: ignored
    _handled(opp_engine, late)
    row = ref(opp_engine, "account_refs", account_id)
    # an updated record's list_ids are narrowed to its author's lists: memberships come from their own events
    assert (row["name"], row["version"], sorted(row["list_ids"])) == ("Acme 3", 3, ["L1", "L2"])


def test_the_same_event_twice_changes_nothing(opp_publish, opp_engine, opp_processes):
    org, account_id = uid("org"), uid("acc")
    opp_publish(*account_event(org, account_id))
    eventually(lambda: ref(opp_engine, "account_refs", account_id))
    envelope = opp_publish("membership_changed", {"org_id": org, "actor_id": "u1", "record_type": "account",
                                                  "record_id": account_id, "added": ["L9"], "removed": []})
    eventually(lambda: "L9" in ref(opp_engine, "account_refs", account_id)["list_ids"])
    before = _state(opp_engine, "account_refs", account_id)
    handler = "opportunities.on_membership_changed"
    ignored = _duplicates(opp_processes, handler)
    # the contacts relay may publish an event twice (at least once): the second delivery is absorbed
    opp_publish("membership_changed", envelope["data"], envelope=envelope)
    opp_publish("membership_changed", {"org_id": org, "actor_id": "u1", "record_type": "account",
                                       "record_id": account_id, "added": [], "removed": ["L9"]},
                envelope={**envelope, "data": {**envelope["data"], "added": [], "removed": ["L9"]}})
    eventually(lambda: _duplicates(opp_processes, handler), lambda n: n == ignored + 2,
               what="both deliveries counted as duplicates")
    assert _state(opp_engine, "account_refs", account_id) == before
    with opp_engine.connect() as conn:
        recorded = conn.execute(sa.text("SELECT count(*) FROM opportunities.inbox WHERE event_id = :id"),
                                {"id": envelope["event_id"]}).scalar()
    assert recorded == 1


def test_delete_restore_move_and_list_deleted(opp_publish, opp_engine):
    org, account_id, other_id, contact_id = uid("org"), uid("acc"), uid("acc"), uid("con")
    opp_publish(*account_event(org, account_id, list_ids=["L1", "L2"]))
    opp_publish(*account_event(org, other_id))
    opp_publish(*contact_event(org, contact_id, account_id, list_ids=["L1"]))
    eventually(lambda: ref(opp_engine, "contact_refs", contact_id) and ref(opp_engine, "account_refs", other_id))

    t0 = datetime.now(timezone.utc)
    opp_publish("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                    "account_id": account_id, "deleted_at": t0.isoformat()}, occurred_at=t0)
    eventually(lambda: ref(opp_engine, "contact_refs", contact_id)["deleted_at"] is not None)
    opp_publish("contact_restored", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                     "account_id": account_id}, occurred_at=t0 + timedelta(seconds=1))
    eventually(lambda: ref(opp_engine, "contact_refs", contact_id)["deleted_at"] is None)
    # a delete older than the restore applied (handled late) changes nothing
    late = opp_publish("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                           "account_id": account_id, "deleted_at": t0.isoformat()},
                       occurred_at=t0 - timedelta(seconds=5))
    _handled(opp_engine, late)
    assert ref(opp_engine, "contact_refs", contact_id)["deleted_at"] is None

    opp_publish("contact_moved", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                  "from_account_id": account_id, "to_account_id": other_id})
    eventually(lambda: ref(opp_engine, "contact_refs", contact_id)["account_id"] == other_id)

    t1 = t0 + timedelta(seconds=2)
    opp_publish("account_deleted", {"org_id": org, "actor_id": "u1", "account_id": other_id,
                                    "contact_ids": [contact_id], "deleted_at": t1.isoformat()}, occurred_at=t1)
    eventually(lambda: ref(opp_engine, "account_refs", other_id)["deleted_at"] is not None
             and ref(opp_engine, "contact_refs", contact_id)["deleted_at"] is not None)
    opp_publish("account_restored", {"org_id": org, "actor_id": "u1", "account_id": other_id,
                                     "contact_ids": [contact_id]}, occurred_at=t1 + timedelta(seconds=1))
    eventually(lambda: ref(opp_engine, "account_refs", other_id)["deleted_at"] is None
             and ref(opp_engine, "contact_refs", contact_id)["deleted_at"] is None)

    opp_publish("list_deleted", {"org_id": org, "actor_id": "u1", "list_id": "L2", "name": "x",
                                 "access_all_users": False, "private": False, "created_by": "u1"})
    eventually(lambda: ref(opp_engine, "account_refs", account_id)["list_ids"] == ["L1"])


def test_an_event_before_the_creation_leaves_a_placeholder_the_creation_fills(opp_publish, opp_engine):
    org, account_id = uid("org"), uid("acc")
    t0 = datetime.now(timezone.utc)
    opp_publish("account_deleted", {"org_id": org, "actor_id": "u1", "account_id": account_id, "contact_ids": [],
                                    "deleted_at": t0.isoformat()}, occurred_at=t0)
    eventually(lambda: ref(opp_engine, "account_refs", account_id))
    opp_publish(*account_event(org, account_id, name="Late"))
    eventually(lambda: ref(opp_engine, "account_refs", account_id)["version"] == 1)
    row = ref(opp_engine, "account_refs", account_id)
    assert row["name"] == "Late" and row["deleted_at"] is not None  # created, then deleted: stays deleted


# Against the real contacts service ---------------------------------------------------------------------------

def _source(engine, record_type, record_id):
    table, members, key = {"account": ("accounts", "account_members", "account_id"),
                           "contact": ("contacts", "list_members", "contact_id")}[record_type]
    with engine.connect() as conn:
        row = conn.execute(sa.text(f"SELECT * FROM contacts.{table} WHERE id = :id"),
                           {"id": record_id}).mappings().first()
        lists = sorted(conn.execute(sa.text(f"SELECT list_id FROM contacts.{members} WHERE {key} = :id"),
                                    {"id": record_id}).scalars())
    return row, lists


def _converged(engine, record_type, record_id):
    row, lists = _source(engine, record_type, record_id)
    copy = ref(engine, f"{record_type}_refs", record_id)
    if copy is None:
        return False
    # versions are not compared: contacts bumps a record's version on moves, memberships and deletes too,
    # which carry their own events
    same = (copy["org_id"] == row["org_id"]
            and sorted(copy["list_ids"]) == lists and copy["rep1_id"] == row["rep1_id"]
            and copy["rep2_id"] == row["rep2_id"] and (copy["deleted_at"] is None) == (row["deleted_at"] is None))
    if record_type == "contact":
        same = same and copy["account_id"] == row["account_id"] and copy["last_name"] == row["last_name"]
    else:
        same = same and copy["name"] == row["name"]
    return same


def _contacts_actor(org):
    return {"org_id": org, "user_id": "u1", "is_admin": True}


def test_the_read_model_converges_on_the_real_contacts_service(opp_contacts_rpc, opp_engine):
    org = uid("org")
    actor = _contacts_actor(org)
    list_a = opp_contacts_rpc.create_list(actor, {"name": "A"})["id"]
    list_b = opp_contacts_rpc.create_list(actor, {"name": "B"})["id"]
    account = opp_contacts_rpc.create_account(actor, {"name": "Bois Tremblay", "list_ids": [list_a]})
    other = opp_contacts_rpc.create_account(actor, {"name": "Autre", "list_ids": [list_a]})
    contact = opp_contacts_rpc.create_contact(actor, {"last_name": "Roy", "account_id": account["id"],
                                                       "list_ids": [list_a]})
    opp_contacts_rpc.update_account(actor, account["id"], {"name": "Bois Tremblay inc."})
    opp_contacts_rpc.update_contact(actor, contact["id"], {"last_name": "Roy-Lavoie"})
    opp_contacts_rpc.set_contact_lists(actor, contact["id"], {"list_ids": [list_a, list_b]})
    eventually(lambda: _converged(opp_engine, "account", account["id"])
             and _converged(opp_engine, "contact", contact["id"]))

    opp_contacts_rpc.move_contact(actor, contact["id"], {"account_id": other["id"]})
    eventually(lambda: _converged(opp_engine, "contact", contact["id"]))
    opp_contacts_rpc.trash_contact(actor, contact["id"], {})
    eventually(lambda: _converged(opp_engine, "contact", contact["id"]))
    opp_contacts_rpc.restore_from_trash(actor, contact["id"], ["contact", "account"])
    eventually(lambda: _converged(opp_engine, "contact", contact["id"]))
    opp_contacts_rpc.delete_account(actor, other["id"])
    eventually(lambda: _converged(opp_engine, "account", other["id"])
             and _converged(opp_engine, "contact", contact["id"]))
    assert ref(opp_engine, "contact_refs", contact["id"])["deleted_at"] is not None
    opp_contacts_rpc.restore_from_trash(actor, other["id"], ["contact", "account"])
    eventually(lambda: _converged(opp_engine, "account", other["id"])
             and _converged(opp_engine, "contact", contact["id"]))


def test_stopping_the_service_mid_stream_loses_and_duplicates_nothing(opp_contacts_rpc, opp_engine, opp_processes,
                                                                      opp_rpc):
    org = uid("org")
    actor = _contacts_actor(org)
    list_a = opp_contacts_rpc.create_list(actor, {"name": "A"})["id"]
    account = opp_contacts_rpc.create_account(actor, {"name": "Flux", "list_ids": [list_a]})
    ids = []
    for i in range(30):
        ids.append(opp_contacts_rpc.create_contact(actor, {"last_name": f"N{i}", "account_id": account["id"],
                                                            "list_ids": [list_a]})["id"])
        if i == 10:
            opp_processes.running["opportunities"].terminate()  # mid-stream: events queue up meanwhile
    opp_processes.restart("opportunities")
    for i in ids[::3]:
        opp_contacts_rpc.update_contact(actor, i, {"last_name": "Changé"})
    eventually(lambda: all(_converged(opp_engine, "contact", i) for i in ids), timeout=60)
    with opp_engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM opportunities.contact_refs WHERE org_id = :o"),
                             {"o": org}).scalar()
    assert count == 30
    assert opp_rpc.search_opportunities(make_actor(org, list_ids=[list_a], is_admin=True))["total"] == 0
