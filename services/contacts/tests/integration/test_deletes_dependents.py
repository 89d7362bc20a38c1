"""The contacts side of the delete conversation (C-10): the caller's ``dependents`` choice travels in the delete
events of contacts and accounts (one by one or in bulk), the preview says what ``reattach`` would do, and the
purge publishes what it removed for good so opportunities and tasks deleted with it go too. Against the
service as a process (real PostgreSQL and RabbitMQ); the events are read from its outbox.

``dependents=delete`` asks the opportunities service what the caller may take (issue 10 §1): here through the use
cases with a hand-written fake of that proxy (what it is asked, and the ids it answers carried by the events), and
through the running service, where no opportunities service answers: the delete is refused whole (503)."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from contacts_helpers import expect, make_actor
from sqlalchemy.orm import Session

from carnet_common.errors import InvalidInput, NotFound, ServiceUnavailable
from carnet_contacts.lifecycle import usecases

BOTH = ["contact", "account"]


@pytest.fixture
def world(rpc):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Partagée", "access_all_users": True})
    return {"admin": admin, "list_ids": [shared["id"]]}


def _account(rpc, world, name):
    return rpc.create_account(world["admin"], {"name": name, "list_ids": world["list_ids"]})


def _contact(rpc, world, last_name, account_id=None):
    data = {"last_name": last_name, "list_ids": world["list_ids"]}
    if account_id:
        data["account_id"] = account_id
    return rpc.create_contact(world["admin"], data)


def _events(engine, event_type, key, record_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT envelope->'data' FROM contacts.outbox WHERE event_type = :type "
            "AND envelope->'data'->>:key = :id ORDER BY created_at"),
            {"type": event_type, "key": key, "id": record_id}).scalars().all()


class Planning:
    """The opportunities proxy as a delete with ``dependents=delete`` asks it: answers ``by_record`` (ids per
    record) and ``left``, and notes what it was asked."""

    def __init__(self, by_record, left=()):
        self.by_record, self.left, self.calls = by_record, list(left), []

    def dependents_to_delete(self, caller, selection):
        self.calls.append((caller, selection))
        return {"by_record": self.by_record, "left": self.left}


class Silent:
    def dependents_to_delete(self, caller, selection):
        raise TimeoutError("opportunities.dependents_to_delete: no reply in 3 s")


class Outbox:
    def __init__(self):
        self.events = []

    def add(self, session, event_type, payload):
        self.events.append((event_type, payload))


def _in_session(engine, work):
    """``work(session, outbox)`` in one transaction of its own; what it returned and the events it added."""
    outbox = Outbox()
    with Session(engine) as session, session.begin():
        result = work(session, outbox)
    return result, outbox.events


def test_an_account_delete_carries_the_callers_choice(rpc, world, engine):
    admin = world["admin"]
    account = _account(rpc, world, "Choix inc.")
    contact = _contact(rpc, world, "Choix", account["id"])
    with expect(InvalidInput) as info:
        rpc.trash_account(admin, account["id"], {"dependents": "maybe"})
    assert "dependents" in info.value.errors
    opportunities = Planning({account["id"]: {"opportunities": ["o1"], "tasks": ["t1", "t2"]}},
                             left=[{"type": "opportunity", "id": "o2", "reason": "read_only"}])
    result, events = _in_session(engine, lambda session, outbox: usecases.delete_account(
        session, outbox=outbox, actor=admin, account_id=account["id"], dependents="delete",
        opportunities=opportunities))
    [(caller, selection)] = opportunities.calls
    assert (caller["user_id"], caller["list_ids"]) == (admin["user_id"], world["list_ids"])
    assert selection == {"contact_ids": [], "accounts": [{"id": account["id"], "contact_ids": [contact["id"]]}]}
    assert result["dependents"] == {"opportunities_deleted": ["o1"], "tasks_deleted": ["t1", "t2"],
                                    "left": [{"type": "opportunity", "id": "o2", "reason": "read_only"}]}
    [(event_type, event)] = events
    assert (event_type, event["dependents"], event["contact_ids"]) == ("account_deleted", "delete", [contact["id"]])
    assert event["dependent_ids"] == {"opportunities": ["o1"], "tasks": ["t1", "t2"]}
    rpc.restore_from_trash(admin, account["id"], BOTH)
    rpc.trash_account(admin, account["id"])
    [*_, event] = _events(engine, "account_deleted", "account_id", account["id"])
    assert (event["dependents"], event["dependent_ids"]) == ("reattach", {"opportunities": [], "tasks": []})


def test_a_bulk_delete_carries_the_choice_to_the_contacts_and_the_accounts_it_empties(rpc, world, engine):
    admin = world["admin"]
    account = _account(rpc, world, "Vidé ltée")
    first = _contact(rpc, world, "Un", account["id"])
    second = _contact(rpc, world, "Deux", account["id"])
    with expect(InvalidInput) as info:
        rpc.bulk_contacts(admin, {"action": "delete", "ids": [first["id"]], "dependents": "perhaps"})
    assert "dependents" in info.value.errors
    opportunities = Planning({first["id"]: {"opportunities": ["o1"], "tasks": []},
                              account["id"]: {"opportunities": ["o2"], "tasks": ["t1"]}})
    data = {"action": "delete", "ids": [first["id"], second["id"]], "delete_empty_accounts": True,
            "dependents": "delete"}
    result, events = _in_session(engine, lambda session, outbox: usecases.bulk_action(
        session, outbox=outbox, actor=admin, data=data, opportunities=opportunities))
    assert result["changed"] == 2 and result["accounts_deleted"] == [account["id"]]
    assert result["dependents"] == {"opportunities_deleted": ["o1", "o2"], "tasks_deleted": ["t1"], "left": []}
    [(_, selection)] = opportunities.calls
    assert sorted(selection["contact_ids"]) == sorted([first["id"], second["id"]])
    assert selection["accounts"] == [{"id": account["id"], "contact_ids": []}]
    nothing = {"opportunities": [], "tasks": []}
    deleted = {event["contact_id"]: event for event_type, event in events if event_type == "contact_deleted"}
    assert {i: (e["dependents"], e["account_id"]) for i, e in deleted.items()} == {
        first["id"]: ("delete", account["id"]), second["id"]: ("delete", account["id"])}
    assert deleted[first["id"]]["dependent_ids"] == {"opportunities": ["o1"], "tasks": []}
    assert deleted[second["id"]]["dependent_ids"] == nothing
    [event] = [event for event_type, event in events if event_type == "account_deleted"]
    assert (event["dependents"], event["contact_ids"], event["dependent_ids"]) == (
        "delete", [], {"opportunities": ["o2"], "tasks": ["t1"]})


def test_a_delete_with_its_dependents_is_refused_whole_when_opportunities_does_not_answer(rpc, world, engine):
    admin = world["admin"]
    account = _account(rpc, world, "Sans réponse")
    contact = _contact(rpc, world, "Attente", account["id"])
    for silent in (None, Silent()):
        with expect(ServiceUnavailable, code="dependents_unavailable"):
            _in_session(engine, lambda session, outbox, silent=silent: usecases.delete_contact(
                session, outbox=outbox, actor=admin, contact_id=contact["id"], dependents="delete",
                opportunities=silent))
    # the running service has no opportunities service to ask: 503, nothing deleted, nothing published
    with expect(ServiceUnavailable, code="dependents_unavailable"):
        rpc.trash_contact(admin, contact["id"], {"dependents": "delete"})
    with expect(ServiceUnavailable, code="dependents_unavailable"):
        rpc.trash_account(admin, account["id"], {"dependents": "delete"})
    with expect(ServiceUnavailable, code="dependents_unavailable"):
        rpc.bulk_contacts(admin, {"action": "delete", "ids": [contact["id"]], "dependents": "delete"})
    assert rpc.get_contact(admin, contact["id"])["id"] == contact["id"]
    assert rpc.get_account(admin, account["id"])["id"] == account["id"]
    assert _events(engine, "contact_deleted", "contact_id", contact["id"]) == []
    assert _events(engine, "account_deleted", "account_id", account["id"]) == []
    rpc.trash_contact(admin, contact["id"], {"dependents": "reattach"})  # the other choice asks nobody
    with expect(NotFound):
        rpc.get_contact(admin, contact["id"])


def test_the_preview_names_the_account_reattach_would_move_to(rpc, world):
    admin = world["admin"]
    account = _account(rpc, world, "Cible inc.")
    contact = _contact(rpc, world, "Rattaché", account["id"])
    lone = _contact(rpc, world, "Seul")
    assert rpc.preview_delete(admin, "contact", contact["id"])["reattach_to"] == account["id"]
    assert rpc.preview_delete(admin, "contact", lone["id"])["reattach_to"] is None
    preview = rpc.preview_delete(admin, "account", account["id"])
    assert preview["reattach_to"] is None and [c["id"] for c in preview["contacts"]] == [contact["id"]]


def test_the_purge_publishes_each_record_it_removes(rpc, world, engine):
    admin = world["admin"]
    account = _account(rpc, world, "Purgé inc.")
    contact = _contact(rpc, world, "Purgé", account["id"])
    lone = _contact(rpc, world, "Récent")
    rpc.trash_account(admin, account["id"], {"dependents": "reattach"})
    rpc.trash_contact(admin, lone["id"], {})
    past = datetime.now(timezone.utc) - timedelta(days=31)
    with engine.begin() as conn:
        for table in ("contacts", "accounts", "trash"):
            conn.execute(sa.text(f"UPDATE contacts.{table} SET deleted_at = :at WHERE id IN (:a, :c)"),
                         {"at": past, "a": account["id"], "c": contact["id"]})
    counts = rpc.purge_trash()
    assert counts["contacts"] >= 1 and counts["accounts"] >= 1
    [purged] = _events(engine, "contact_purged", "contact_id", contact["id"])
    assert purged == {"org_id": admin["org_id"], "actor_id": None, "contact_id": contact["id"],
                      "account_id": account["id"]}
    assert _events(engine, "account_purged", "account_id", account["id"]) == [
        {"org_id": admin["org_id"], "actor_id": None, "account_id": account["id"]}]
    assert _events(engine, "contact_purged", "contact_id", lone["id"]) == []  # still in the trash
    rpc.purge_trash()  # nothing left to purge: nothing published again
    assert len(_events(engine, "contact_purged", "contact_id", contact["id"])) == 1
