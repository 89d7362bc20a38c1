"""Trash and restore, delete consequences, purge (C-10), relations (C-5), moves (C-7), bulk actions (C-9)."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from contacts_helpers import expect, make_actor

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound

BOTH = ["contact", "account"]


@pytest.fixture
def world(rpc):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})
    other = rpc.create_list(admin, {"name": "Other", "access_all_users": True})
    return {"admin": admin, "shared": shared["id"], "other": other["id"], "org_id": admin["org_id"]}


def _contact(rpc, world, actor=None, **fields):
    return rpc.create_contact(actor or world["admin"], {"list_ids": [world["shared"]], **fields})


def _account(rpc, world, **fields):
    return rpc.create_account(world["admin"], {"list_ids": [world["shared"]], **fields})


def _member(rpc, world, **flags):
    user = make_actor(world["org_id"], **flags)
    rpc.set_selected_lists(user, {"list_ids": [world["shared"], world["other"]]})
    return user


def _events(engine, event_type):
    with engine.connect() as conn:
        return [row[0]["data"] for row in conn.execute(sa.text(
            "SELECT envelope FROM contacts.outbox WHERE event_type = :t ORDER BY created_at"), {"t": event_type})]


def test_restore_brings_contact_back_whole(rpc, world, engine):
    """C-10: memberships, relations, custom values, history and the account link come back."""
    admin = world["admin"]
    account = _account(rpc, world, name="Gagnon")
    contact = _contact(rpc, world, last_name="Dupré", account_id=account["id"])
    friend = _contact(rpc, world, last_name="Ami")
    rpc.set_contact_lists(admin, contact["id"], {"list_ids": [world["shared"], world["other"]]})
    rpc.add_contact_relation(admin, contact["id"], {"other_id": friend["id"], "label": "Siège social"})
    rpc.update_contact(admin, contact["id"], {"title": "PDG"})
    rpc.delete_contact(admin, contact["id"])
    with expect(NotFound):
        rpc.get_contact(admin, contact["id"])
    assert rpc.list_contact_relations(admin, friend["id"]) == []
    entry = rpc.list_trash(admin, BOTH)["items"][0]
    assert entry["id"] == contact["id"] and entry["record_type"] == "contact" and entry["name"] == "Dupré"
    assert entry["deleted_by"] == admin["user_id"]
    deleted_at = datetime.fromisoformat(entry["deleted_at"])
    assert datetime.fromisoformat(entry["expires_at"]) - deleted_at == timedelta(days=30)

    restored = rpc.restore_from_trash(admin, contact["id"], BOTH)
    assert restored["restored"] == [{"type": "contact", "id": contact["id"]}]
    back = rpc.get_contact(admin, contact["id"])
    assert sorted(back["list_ids"]) == sorted([world["shared"], world["other"]])
    assert back["title"] == "PDG" and back["account_id"] == account["id"] and back["account_name"] == "Gagnon"
    assert [r["other_id"] for r in rpc.list_contact_relations(admin, friend["id"])] == [contact["id"]]
    fields = [h["field"] for h in rpc.get_contact_history(admin, contact["id"])]
    assert fields[:2] == ["restored", "deleted"] and {"created", "title", "list_ids"} <= set(fields)
    assert rpc.list_trash(admin, BOTH)["total"] == 0
    assert any(e["contact_id"] == contact["id"] for e in _events(engine, "contact_restored"))
    with expect(NotFound):
        rpc.restore_from_trash(admin, contact["id"], BOTH)


def test_account_delete_takes_its_contacts_in_one_entry(rpc, world):
    admin = world["admin"]
    account = _account(rpc, world, name="Boulangerie")
    first = rpc.create_account_contact(admin, account["id"], {"last_name": "Un"})
    second = rpc.create_account_contact(admin, account["id"], {"last_name": "Deux"})
    preview = rpc.preview_delete(admin, "account", account["id"])
    assert {c["id"] for c in preview["contacts"]} == {first["id"], second["id"]}
    assert preview["contacts_total"] == 2 and preview["tasks"] == [] and preview["opportunities"] == []
    rpc.delete_account(admin, account["id"])
    for record in (first, second):
        with expect(NotFound):
            rpc.get_contact(admin, record["id"])
    items = rpc.list_trash(admin, BOTH)["items"]
    assert [i["id"] for i in items] == [account["id"]]
    assert {d["id"] for d in items[0]["dependants"]} == {first["id"], second["id"]}
    rpc.restore_from_trash(admin, account["id"], BOTH)
    assert rpc.list_account_contacts(admin, account["id"], {})["total"] == 2


def test_last_contact_offers_and_takes_its_account(rpc, world):
    admin = world["admin"]
    account = _account(rpc, world, name="Seul")
    only = rpc.create_account_contact(admin, account["id"], {"last_name": "Dernier"})
    preview = rpc.preview_delete(admin, "contact", only["id"])
    assert preview["offers_account_delete"] is True and preview["account_id"] == account["id"]
    rpc.trash_contact(admin, only["id"], {"delete_account": True})
    with expect(NotFound):
        rpc.get_account(admin, account["id"])
    entry = rpc.list_trash(admin, BOTH)["items"][0]
    assert entry["id"] == only["id"] and entry["dependants"] == [{"type": "account", "id": account["id"]}]
    rpc.restore_from_trash(admin, only["id"], BOTH)
    assert rpc.get_account(admin, account["id"])["name"] == "Seul"


def test_contact_of_a_trashed_account_waits_for_it(rpc, world):
    admin = world["admin"]
    account = _account(rpc, world, name="Parti")
    one = rpc.create_account_contact(admin, account["id"], {"last_name": "Un"})
    two = rpc.create_account_contact(admin, account["id"], {"last_name": "Deux"})
    assert rpc.preview_delete(admin, "contact", one["id"])["offers_account_delete"] is False
    rpc.delete_contact(admin, one["id"])
    rpc.delete_account(admin, account["id"])
    with expect(Conflict, code="restore_account_first"):
        rpc.restore_from_trash(admin, one["id"], BOTH)
    restored = rpc.restore_from_trash(admin, account["id"], BOTH)
    assert {r["id"] for r in restored["restored"]} == {account["id"], two["id"]}  # one was deleted before
    rpc.restore_from_trash(admin, one["id"], BOTH)
    assert rpc.list_account_contacts(admin, account["id"], {})["total"] == 2


def test_purge_removes_records_deleted_more_than_30_days_ago(rpc, world, engine):
    admin = world["admin"]
    old = _contact(rpc, world, last_name="Ancien")
    recent = _contact(rpc, world, last_name="Récent")
    friend = _contact(rpc, world, last_name="Ami")
    rpc.add_contact_relation(admin, old["id"], {"other_id": friend["id"], "label": "x"})
    rpc.delete_contact(admin, old["id"])
    rpc.delete_contact(admin, recent["id"])
    past = datetime.now(timezone.utc) - timedelta(days=31)
    with engine.begin() as conn:
        for table in ("contacts", "trash"):
            conn.execute(sa.text(f"UPDATE contacts.{table} SET deleted_at = :at WHERE id = :id"),
                         {"at": past, "id": old["id"]})
    assert rpc.purge_trash()["contacts"] >= 1
    with engine.connect() as conn:
        for table, column in (("contacts", "id"), ("list_members", "contact_id"), ("relations", "contact_a"),
                              ("relations", "contact_b"), ("trash", "id"), ("history", "record_id")):
            assert conn.execute(sa.text(f"SELECT count(*) FROM contacts.{table} WHERE {column} = :id"),
                                {"id": old["id"]}).scalar() == 0, table
    assert [i["id"] for i in rpc.list_trash(admin, BOTH)["items"]] == [recent["id"]]
    with expect(NotFound):
        rpc.restore_from_trash(admin, old["id"], BOTH)
    rpc.restore_from_trash(admin, recent["id"], BOTH)


def test_another_users_invisible_contact_is_never_touched(rpc, world):
    admin = world["admin"]
    user = _member(rpc, world)
    mine = _contact(rpc, world, last_name="Mien", rep1_id=user["user_id"])
    theirs = _contact(rpc, world, last_name="Autre")
    account = _account(rpc, world, name="Compte", rep1_id=user["user_id"])
    rpc.delete_contact(admin, theirs["id"])
    assert rpc.list_trash(user, BOTH)["total"] == 0
    with expect(NotFound):
        rpc.restore_from_trash(user, theirs["id"], BOTH)
    rpc.restore_from_trash(admin, theirs["id"], BOTH)
    with expect(NotFound):
        rpc.add_contact_relation(user, mine["id"], {"other_id": theirs["id"], "label": "x"})
    with expect(NotFound):
        rpc.add_contact_relation(user, theirs["id"], {"other_id": mine["id"], "label": "x"})
    with expect(NotFound):
        rpc.list_contact_relations(user, theirs["id"])
    with expect(NotFound):
        rpc.move_contact(user, theirs["id"], {"account_id": account["id"]})
    with expect(NotFound):
        rpc.preview_delete(user, "contact", theirs["id"])
    with expect(NotFound):
        rpc.trash_contact(user, theirs["id"], {})
    result = rpc.bulk_contacts(user, {"action": "delete", "ids": [mine["id"], theirs["id"], "nope"]})
    assert result["changed"] == 1 and result["not_found"] == [theirs["id"], "nope"]
    assert rpc.get_contact(admin, theirs["id"])["id"] == theirs["id"]
    # Another organization sees nothing of it either.
    stranger = make_actor(is_admin=True)
    with expect(NotFound):
        rpc.restore_from_trash(stranger, mine["id"], BOTH)
    assert rpc.list_trash(stranger, BOTH)["total"] == 0
    assert [i["id"] for i in rpc.list_trash(user, BOTH)["items"]] == [mine["id"]]


def test_restore_needs_the_delete_permission_of_the_records_module(rpc, world):
    admin = world["admin"]
    contact = _contact(rpc, world, last_name="Perm")
    rpc.delete_contact(admin, contact["id"])
    assert rpc.list_trash(admin, ["account"])["total"] == 0
    with expect(Forbidden, code="missing_permission"):
        rpc.restore_from_trash(admin, contact["id"], ["account"])
    with expect(InvalidInput):
        rpc.list_trash(admin, ["opportunity"])


def test_relations_are_symmetric_named_and_unique(rpc, world):
    admin = world["admin"]
    one, two = _contact(rpc, world, last_name="Siège"), _contact(rpc, world, last_name="Succursale")
    created = rpc.add_contact_relation(admin, one["id"], {"other_id": two["id"], "label": "Succursale"})
    assert created["other_id"] == two["id"] and created["label"] == "Succursale"
    assert [r["other_id"] for r in rpc.list_contact_relations(admin, two["id"])] == [one["id"]]
    assert rpc.list_contact_relations(admin, two["id"])[0]["other_name"] == "Siège"
    with expect(Conflict, code="relation_exists"):
        rpc.add_contact_relation(admin, two["id"], {"other_id": one["id"], "label": "Encore"})
    with expect(Conflict, code="relation_to_self") as info:  # a valid body: 409 (issue 10 §5)
        rpc.add_contact_relation(admin, one["id"], {"other_id": one["id"], "label": "Moi"})
    assert info.value.errors == {"other_id": ["relation_to_self"]}
    with expect(InvalidInput) as info:
        rpc.add_contact_relation(admin, one["id"], {"other_id": two["id"]})
    assert "label" in info.value.errors
    assert "relation_added" in [h["field"] for h in rpc.get_contact_history(admin, two["id"])]
    rpc.remove_contact_relation(admin, two["id"], one["id"])
    assert rpc.list_contact_relations(admin, one["id"]) == []
    with expect(NotFound):
        rpc.remove_contact_relation(admin, two["id"], one["id"])


def test_move_to_another_account_is_recorded(rpc, world, engine):
    """C-7: account_id changes, history keeps old and new, contact_moved tells the opportunities service."""
    admin = world["admin"]
    old = _account(rpc, world, name="Ancien employeur", city="Québec")
    new = _account(rpc, world, name="Nouvel employeur", city="Montréal")
    contact = rpc.create_account_contact(admin, old["id"], {"last_name": "Nomade"})
    moved = rpc.move_contact(admin, contact["id"], {"account_id": new["id"]})
    assert moved["account_id"] == new["id"] and moved["account_name"] == "Nouvel employeur"
    entry = rpc.get_contact_history(admin, contact["id"])[0]
    assert (entry["field"], entry["old"], entry["new"]) == ("account_id", old["id"], new["id"])
    assert {"contact_id": contact["id"], "from_account_id": old["id"], "to_account_id": new["id"]}.items() \
        <= _events(engine, "contact_moved")[-1].items()
    assert [c["id"] for c in rpc.search_contacts(admin, {"q": "c:montreal nomade"})["items"]] == [contact["id"]]
    with expect(Conflict, code="same_account") as info:  # a valid body the contact's state refuses: 409
        rpc.move_contact(admin, contact["id"], {"account_id": new["id"]})
    assert info.value.errors == {"account_id": ["same_account"]}
    with expect(InvalidInput):
        rpc.move_contact(admin, contact["id"], {"account_id": "nope"})


def test_a_patch_of_account_id_is_a_move_too(rpc, world, engine):
    """C-7: changing account_id by PATCH also tells the opportunities service (contact_moved)."""
    admin = world["admin"]
    old = _account(rpc, world, name="Employeur A")
    new = _account(rpc, world, name="Employeur B")
    contact = rpc.create_account_contact(admin, old["id"], {"last_name": "Patché"})
    rpc.update_contact(admin, contact["id"], {"account_id": new["id"]})
    assert {"contact_id": contact["id"], "from_account_id": old["id"], "to_account_id": new["id"]}.items() \
        <= _events(engine, "contact_moved")[-1].items()
    rpc.update_contact(admin, contact["id"], {"title": "Sans déménagement"})
    assert _events(engine, "contact_moved")[-1]["contact_id"] == contact["id"]
    assert len([e for e in _events(engine, "contact_moved") if e["contact_id"] == contact["id"]]) == 1


def test_bulk_copy_and_move_between_lists(rpc, world):
    admin = world["admin"]
    a, b = _contact(rpc, world, last_name="Alpha"), _contact(rpc, world, last_name="Beta")
    copied = rpc.bulk_contacts(admin, {"action": "copy_to_list", "ids": [a["id"], b["id"]],
                                       "list_id": world["other"]})
    assert copied["matched"] == 2 and copied["changed"] == 2
    assert sorted(rpc.get_contact(admin, a["id"])["list_ids"]) == sorted([world["shared"], world["other"]])
    again = rpc.bulk_contacts(admin, {"action": "copy_to_list", "ids": [a["id"]], "list_id": world["other"]})
    assert again["changed"] == 0
    target = rpc.create_list(admin, {"name": "Cible"})
    moved = rpc.bulk_contacts(admin, {"action": "move_to_list", "q": "alpha", "list_id": target["id"],
                                      "from_list_id": world["other"]})
    assert moved["matched"] == 1 and moved["changed"] == 1
    assert sorted(rpc.get_contact(admin, a["id"])["list_ids"]) == sorted([world["shared"], target["id"]])
    assert sorted(rpc.get_contact(admin, b["id"])["list_ids"]) == sorted([world["shared"], world["other"]])
    assert "list_ids" in [h["field"] for h in rpc.get_contact_history(admin, a["id"])]


def test_bulk_delete_reports_and_optionally_deletes_emptied_accounts(rpc, world):
    admin = world["admin"]
    kept = _account(rpc, world, name="Vide gardé")
    gone = _account(rpc, world, name="Vide supprimé")
    one = rpc.create_account_contact(admin, kept["id"], {"last_name": "Un"})
    two = rpc.create_account_contact(admin, gone["id"], {"last_name": "Deux"})
    result = rpc.bulk_contacts(admin, {"action": "delete", "ids": [one["id"]]})
    assert result["accounts_left_empty"] == [kept["id"]] and result["accounts_deleted"] == []
    assert rpc.get_account(admin, kept["id"])["id"] == kept["id"]
    result = rpc.bulk_contacts(admin, {"action": "delete", "ids": [two["id"]], "delete_empty_accounts": True})
    assert result["accounts_deleted"] == [gone["id"]]
    with expect(NotFound):
        rpc.get_account(admin, gone["id"])


def test_bulk_refuses_bad_selections(rpc, world):
    admin = world["admin"]
    for body, field in (({"action": "delete"}, "ids"),
                        ({"action": "delete", "ids": ["a"], "q": "x"}, "ids"),
                        ({"action": "copy_to_list", "ids": ["a"]}, "list_id"),
                        ({"action": "move_to_list", "ids": ["a"], "list_id": world["other"]}, "from_list_id"),
                        ({"action": "delete", "ids": [str(i) for i in range(10_001)]}, "ids"),
                        ({"action": "purge", "ids": ["a"]}, "action"),
                        ({"action": "copy_to_list", "ids": ["a"], "list_id": "nope"}, "list_id")):
        with expect(InvalidInput) as info:
            rpc.bulk_contacts(admin, body)
        assert field in info.value.errors, (body if len(str(body)) < 200 else field, info.value.errors)
    foreign = rpc.create_list(make_actor(), {"name": "Ailleurs"})
    with expect(InvalidInput) as info:  # as an unknown list: never told apart (issue 10 §1)
        rpc.bulk_contacts(admin, {"action": "copy_to_list", "ids": ["a"], "list_id": foreign["id"]})
    assert info.value.errors == {"list_id": ["unknown_list"]}


def test_bulk_by_criteria_uses_the_search_filters(rpc, world):
    """C-12 criteria select the same records as the contacts page; unreadable fields cannot filter (S-3)."""
    admin = world["admin"]
    president = _contact(rpc, world, last_name="Chef", title="Président")
    _contact(rpc, world, last_name="Adjoint", title="Vice")
    criteria = {"op": "and", "items": [{"field": "title", "cmp": "eq", "value": "president"}]}
    result = rpc.bulk_contacts(admin, {"action": "copy_to_list", "criteria": criteria, "list_id": world["other"]})
    assert result["matched"] == 1 and result["changed"] == 1
    assert world["other"] in rpc.get_contact(admin, president["id"])["list_ids"]
    with expect(Forbidden, code="field_not_readable"):
        rpc.bulk_contacts(admin, {"action": "delete", "criteria": criteria}, ["contacts.title"])
    assert rpc.get_contact(admin, president["id"])["id"] == president["id"]


def test_bulk_accounts_copy_move_and_remove_from_lists_publish_each_change(rpc, world, engine):
    """Accounts have memberships of their own (C-9): a list action on them writes their history and publishes
    ``membership_changed`` for the account; a removal keeps an account in the last of the caller's lists."""
    admin = world["admin"]
    alpha, bravo = _account(rpc, world, name="Alpha"), _account(rpc, world, name="Bravo")
    copied = rpc.bulk_accounts(admin, {"action": "copy_to_list", "ids": [alpha["id"], bravo["id"], "nope"],
                                       "list_id": world["other"]})
    assert (copied["matched"], copied["changed"], copied["not_found"]) == (2, 2, ["nope"])
    published = [e for e in _events(engine, "membership_changed") if e["record_id"] == alpha["id"]]
    assert [(e["record_type"], e["added"], e["removed"]) for e in published] == [("account", [world["other"]], [])]
    removed = rpc.bulk_accounts(admin, {"action": "remove_from_list", "q": "alpha", "from_list_id": world["shared"]})
    assert (removed["matched"], removed["changed"], removed["kept_in_last_list"]) == (1, 1, 0)
    assert rpc.get_account(admin, alpha["id"])["list_ids"] == [world["other"]]
    kept = rpc.bulk_accounts(admin, {"action": "remove_from_list", "ids": [alpha["id"]],
                                     "from_list_id": world["other"]})
    assert (kept["changed"], kept["kept_in_last_list"]) == (0, 1)
    assert rpc.get_account(admin, alpha["id"])["list_ids"] == [world["other"]]
    history = [h for h in rpc.get_account_history(admin, alpha["id"]) if h["field"] == "list_ids"]
    assert [(h["old"], h["new"]) for h in history] == [
        (sorted([world["shared"], world["other"]]), [world["other"]]),
        ([world["shared"]], sorted([world["shared"], world["other"]]))]


def test_bulk_accounts_delete_takes_every_contact_and_publishes_one_delete_per_account(rpc, world, engine):
    admin = world["admin"]
    member = _member(rpc, world)
    one = rpc.create_account(admin, {"name": "Un", "list_ids": [world["shared"]], "rep1_id": member["user_id"]})
    two = _account(rpc, world, name="Deux")
    seen = rpc.create_account_contact(admin, one["id"], {"last_name": "Vu", "rep1_id": member["user_id"]})
    unseen = rpc.create_account_contact(admin, one["id"], {"last_name": "Caché"})
    result = rpc.bulk_accounts(member, {"action": "delete", "ids": [one["id"], two["id"]]})
    assert (result["matched"], result["changed"], result["not_found"]) == (1, 1, [two["id"]])
    assert result["contacts_deleted"] == [seen["id"]]
    for record_type, record_id in (("account", one["id"]), ("contact", seen["id"]), ("contact", unseen["id"])):
        with expect(NotFound):
            getattr(rpc, f"get_{record_type}")(admin, record_id)
    [event] = [e for e in _events(engine, "account_deleted") if e["account_id"] == one["id"]]
    assert sorted(event["contact_ids"]) == sorted([seen["id"], unseen["id"]])
    entry = next(i for i in rpc.list_trash(admin, BOTH)["items"] if i["id"] == one["id"])
    assert sorted(d["id"] for d in entry["dependants"]) == sorted([seen["id"], unseen["id"]])
    rpc.get_account(admin, two["id"])
    with expect(InvalidInput) as info:
        rpc.bulk_accounts(admin, {"action": "delete", "ids": ["a"], "delete_empty_accounts": True})
    assert "delete_empty_accounts" in info.value.errors
