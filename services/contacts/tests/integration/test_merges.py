"""Merges of duplicates (C-20 merge and undo; C-5, C-9, C-17, N-3) against the running service: the preview, the
merge that keeps every membership, relation and history entry, the undo that restores both records exactly, and
the refusals (itself, another organization, already merged, stale versions, a winner edited since, expired)."""
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


def _contact(rpc, world, lists=None, **fields):
    return rpc.create_contact(world["admin"], {"list_ids": lists or [world["shared"]], **fields})


def _events(engine, event_type, **match):
    with engine.connect() as conn:
        rows = [row[0]["data"] for row in conn.execute(sa.text(
            "SELECT envelope FROM contacts.outbox WHERE event_type = :t ORDER BY created_at"), {"t": event_type})]
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


def _merge(rpc, actor, winner, loser, record_type="contact", **extra):
    return rpc.merge_records(actor, {"record_type": record_type, "winner_id": winner["id"], "loser_id": loser["id"],
                                     "winner_version": winner["version"], "loser_version": loser["version"], **extra})


def test_a_merge_keeps_everything_and_its_undo_restores_both_exactly(rpc, world, engine):
    admin = world["admin"]
    winner = _contact(rpc, world, first_name="Émile", last_name="Dupré", phone="514-555-0101", title=None)
    loser = _contact(rpc, world, lists=[world["other"]], first_name="Emile", last_name="Dupré",
                     email="emile@example.com", phone="514 555 0199", title="PDG")
    friend = _contact(rpc, world, last_name="Ami")
    rpc.add_contact_relation(admin, loser["id"], {"other_id": friend["id"], "label": "Associé"})
    rpc.add_contact_relation(admin, loser["id"], {"other_id": winner["id"], "label": "Doublon"})
    loser = rpc.update_contact(admin, loser["id"], {"website": "https://dupre.example"})
    winner_before = rpc.get_contact(admin, winner["id"])
    loser_before = rpc.get_contact(admin, loser["id"])
    loser_history = rpc.get_contact_history(admin, loser["id"])

    preview = rpc.preview_merge(admin, {"record_type": "contact", "winner_id": winner["id"], "loser_id": loser["id"]})
    by_field = {entry["field"]: entry for entry in preview["fields"]}
    assert by_field["email"]["proposed"] == "loser" and by_field["email"]["proposed_value"] == "emile@example.com"
    assert by_field["title"]["proposed"] == "loser"
    # the loser was updated last, so its first name and phone win; the winner's number is kept in a free slot
    assert by_field["first_name"]["proposed_value"] == "Emile"
    assert by_field["phone"]["proposed_value"] == "514 555 0199"
    assert by_field["mobile"]["proposed"] == "winner:phone" and by_field["mobile"]["proposed_value"] == "514-555-0101"
    assert preview["moves"]["lists"] == 1 and preview["moves"]["list_ids"] == [world["other"]]
    assert preview["moves"]["relations"] == 1  # the relation between the two is not re-pointed
    assert preview["moves"]["history"] == len(loser_history)
    assert rpc.get_contact(admin, loser["id"]) == loser_before  # a dry run changes nothing

    merged = _merge(rpc, admin, winner_before, loser_before, choices={"first_name": "winner"})
    assert merged["can_undo"] and merged["winner_id"] == winner["id"]
    after = rpc.get_contact(admin, winner["id"])
    assert after["first_name"] == "Émile" and after["email"] == "emile@example.com" and after["title"] == "PDG"
    assert after["phone"] == "514 555 0199" and after["mobile"] == "514-555-0101"
    assert after["list_ids"] == sorted([world["shared"], world["other"]])
    with expect(NotFound):
        rpc.get_contact(admin, loser["id"])
    assert [r["other_id"] for r in rpc.list_contact_relations(admin, winner["id"])] == [friend["id"]]
    history = rpc.get_contact_history(admin, winner["id"])
    assert {h["id"] for h in loser_history} <= {h["id"] for h in history}
    assert any(h["field"] == "merged" for h in history)
    found = rpc.search_contacts(admin, {"q": "Dupré"})
    assert [item["id"] for item in found["items"]] == [winner["id"]]
    event = _events(engine, "contact_merged", merge_id=merged["id"])
    assert event and event[0]["loser_id"] == loser["id"]
    with expect(Conflict, code="already_merged"):
        _merge(rpc, admin, after, loser_before)
    outsider = make_actor(world["org_id"])  # same organization, sees neither list: not told where it went
    rpc.set_selected_lists(outsider, {"list_ids": []})
    with expect(NotFound):
        _merge(rpc, outsider, friend, loser_before)
    listed = rpc.list_merges(admin, BOTH, {})
    assert listed["items"][0]["id"] == merged["id"] and listed["items"][0]["undo_until"]

    undone = rpc.undo_merge(admin, merged["id"], BOTH)
    assert undone["undone_at"] and not undone["can_undo"]
    restored_winner = rpc.get_contact(admin, winner["id"])
    restored_loser = rpc.get_contact(admin, loser["id"])
    skip = {"version", "updated_at"}
    assert {k: v for k, v in restored_winner.items() if k not in skip} == \
        {k: v for k, v in winner_before.items() if k not in skip}
    assert {k: v for k, v in restored_loser.items() if k not in skip} == \
        {k: v for k, v in loser_before.items() if k not in skip}
    assert {r["other_id"] for r in rpc.list_contact_relations(admin, loser["id"])} == {friend["id"], winner["id"]}
    assert rpc.list_contact_relations(admin, winner["id"])[0]["other_id"] == loser["id"]
    back = rpc.get_contact_history(admin, loser["id"])
    assert {h["id"] for h in loser_history} <= {h["id"] for h in back}
    assert not {h["id"] for h in loser_history} & {h["id"] for h in rpc.get_contact_history(admin, winner["id"])}
    assert _events(engine, "contact_merge_undone", merge_id=merged["id"])
    with expect(Conflict, code="merge_already_undone"):
        rpc.undo_merge(admin, merged["id"], BOTH)


def test_refusals(rpc, world, engine):
    admin = world["admin"]
    one, two, three = (_contact(rpc, world, last_name=name) for name in ("Un", "Deux", "Trois"))
    with expect(InvalidInput) as info:
        _merge(rpc, admin, one, one)
    assert "loser_id" in info.value.errors
    stranger = make_actor(is_admin=True)
    with expect(NotFound):
        rpc.preview_merge(stranger, {"record_type": "contact", "winner_id": one["id"], "loser_id": two["id"]})
    with expect(NotFound):
        _merge(rpc, stranger, one, two)
    with expect(Conflict) as info:
        _merge(rpc, admin, one, {**two, "version": two["version"] + 5})
    assert "loser_version" in info.value.errors
    with expect(InvalidInput) as info:
        _merge(rpc, admin, one, two, choices={"last_name": "elsewhere", "nope": "winner"})
    assert set(info.value.errors) == {"choices.last_name", "choices.nope"}
    # a member who does not see the loser (its list is not theirs) gets 404, as for its GET
    hidden = _contact(rpc, world, lists=[world["other"]], last_name="Caché")
    member = make_actor(world["org_id"])
    rpc.set_selected_lists(member, {"list_ids": [world["shared"]]})
    with expect(NotFound):
        rpc.preview_merge(member, {"record_type": "contact", "winner_id": one["id"], "loser_id": hidden["id"]})
    # a field the caller may not write keeps the winner's value (S-3), and choosing it is refused
    titled = rpc.update_contact(admin, two["id"], {"title": "Directrice"})
    with expect(InvalidInput) as info:
        rpc.merge_records(admin, {"record_type": "contact", "winner_id": one["id"], "loser_id": two["id"],
                                "winner_version": one["version"], "loser_version": titled["version"],
                                "choices": {"title": "loser"}}, ["contacts.title"])
    assert info.value.errors == {"choices.title": ["field_locked"]}
    merged = rpc.merge_records(admin, {"record_type": "contact", "winner_id": one["id"], "loser_id": two["id"],
                                       "winner_version": one["version"], "loser_version": titled["version"]},
                               ["contacts.title"])
    assert rpc.get_contact(admin, one["id"])["title"] is None
    # another kind's permission: undo refused
    with expect(Forbidden):
        rpc.undo_merge(admin, merged["id"], ["account"])
    # the winner edited since the merge: the undo names the field
    rpc.update_contact(admin, one["id"], {"first_name": "Changé"})
    with expect(Conflict, code="merge_winner_changed") as info:
        rpc.undo_merge(admin, merged["id"], BOTH)
    assert "first_name" in info.value.errors
    # C-13: a primary contact is never merged away, and is edited only with the primary contact permission
    first, second = _contact(rpc, world, last_name="Primaire"), _contact(rpc, world, last_name="Primaire")
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE contacts.contacts SET is_primary = true WHERE id = :id"), {"id": first["id"]})
    with expect(Conflict, code="merge_primary_contact"):
        _merge(rpc, admin, second, first)
    with expect(Forbidden, code="primary_contact_permission"):
        rpc.merge_records(admin, {"record_type": "contact", "winner_id": first["id"], "loser_id": second["id"],
                                  "winner_version": first["version"], "loser_version": second["version"]},
                          ["special.primary_contact"])
    # past 30 days: expired
    again = _merge(rpc, admin, rpc.get_contact(admin, three["id"]), rpc.get_contact(admin, hidden["id"]))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE contacts.merges SET undo_until = :t WHERE id = :id"),
                     {"t": datetime.now(timezone.utc) - timedelta(minutes=1), "id": again["id"]})
    with expect(Conflict, code="merge_expired"):
        rpc.undo_merge(admin, again["id"], BOTH)
    assert rpc.get_merge(admin, again["id"])["can_undo"] is False


def test_an_account_merge_moves_its_contacts_and_the_undo_moves_them_back(rpc, world, engine):
    admin = world["admin"]
    keep = rpc.create_account(admin, {"name": "Gagnon inc.", "list_ids": [world["shared"]]})
    drop = rpc.create_account(admin, {"name": "Gagnon", "city": "Québec", "list_ids": [world["other"]]})
    staff = _contact(rpc, world, last_name="Roy", account_id=drop["id"])
    preview = rpc.preview_merge(admin, {"record_type": "account", "winner_id": keep["id"], "loser_id": drop["id"]})
    assert preview["moves"]["contacts"] == 1
    merged = _merge(rpc, admin, keep, drop, record_type="account")
    assert rpc.get_contact(admin, staff["id"])["account_id"] == keep["id"]
    assert rpc.get_account(admin, keep["id"])["city"] == "Québec"
    assert _events(engine, "account_merged", merge_id=merged["id"])[0]["contact_ids"] == [staff["id"]]
    with expect(NotFound):
        rpc.get_account(admin, drop["id"])
    rpc.undo_merge(admin, merged["id"], BOTH)
    assert rpc.get_contact(admin, staff["id"])["account_id"] == drop["id"]
    assert rpc.get_account(admin, keep["id"])["city"] is None
    assert rpc.get_account(admin, drop["id"])["list_ids"] == [world["other"]]
