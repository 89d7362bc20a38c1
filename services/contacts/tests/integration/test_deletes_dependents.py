"""The contacts side of the delete conversation (C-10): the caller's ``dependents`` choice travels in the delete
events of contacts and accounts (one by one or in bulk), the preview says what ``reattach`` would do, and the
purge publishes what it removed for good so opportunities and tasks deleted with it go too. Against the
service as a process (real PostgreSQL and RabbitMQ); the events are read from its outbox."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from contacts_helpers import expect, make_actor

from carnet_common.errors import InvalidInput

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


def test_an_account_delete_carries_the_callers_choice(rpc, world, engine):
    admin = world["admin"]
    account = _account(rpc, world, "Choix inc.")
    contact = _contact(rpc, world, "Choix", account["id"])
    with expect(InvalidInput) as info:
        rpc.trash_account(admin, account["id"], {"dependents": "maybe"})
    assert "dependents" in info.value.errors
    result = rpc.trash_account(admin, account["id"], {"dependents": "delete"})
    assert result == {"deleted": [account["id"]], "contacts_deleted": [contact["id"]]}
    [event] = _events(engine, "account_deleted", "account_id", account["id"])
    assert (event["dependents"], event["contact_ids"]) == ("delete", [contact["id"]])
    rpc.restore_from_trash(admin, account["id"], BOTH)
    rpc.trash_account(admin, account["id"])
    assert _events(engine, "account_deleted", "account_id", account["id"])[-1]["dependents"] == "reattach"


def test_a_bulk_delete_carries_the_choice_to_the_contacts_and_the_accounts_it_empties(rpc, world, engine):
    admin = world["admin"]
    account = _account(rpc, world, "Vidé ltée")
    first = _contact(rpc, world, "Un", account["id"])
    second = _contact(rpc, world, "Deux", account["id"])
    with expect(InvalidInput) as info:
        rpc.bulk_contacts(admin, {"action": "delete", "ids": [first["id"]], "dependents": "perhaps"})
    assert "dependents" in info.value.errors
    result = rpc.bulk_contacts(admin, {"action": "delete", "ids": [first["id"], second["id"]],
                                       "delete_empty_accounts": True, "dependents": "delete"})
    assert result["changed"] == 2 and result["accounts_deleted"] == [account["id"]]
    for contact in (first, second):
        [event] = _events(engine, "contact_deleted", "contact_id", contact["id"])
        assert (event["dependents"], event["account_id"]) == ("delete", account["id"])
    [event] = _events(engine, "account_deleted", "account_id", account["id"])
    assert (event["dependents"], event["contact_ids"]) == ("delete", [])


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
    rpc.trash_account(admin, account["id"], {"dependents": "delete"})
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
