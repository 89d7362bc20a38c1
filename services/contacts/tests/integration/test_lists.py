"""Lists, grants and selections (L-1..L-3, S-6) against the running service."""
from contacts_helpers import expect, make_actor

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound


def test_new_list_is_selected_for_its_creator(rpc):
    actor = make_actor()
    created = rpc.create_list(actor, {"name": "Clients"})
    assert created["selected"] is True
    assert rpc.get_selected_lists(actor) == {"list_ids": [created["id"]]}
    assert [lst["id"] for lst in rpc.list_lists(actor)] == [created["id"]]


def test_private_list_is_never_made_public_again(rpc):
    actor = make_actor(is_admin=True)
    created = rpc.create_list(actor, {"name": "Mine", "private": True})
    # a valid body the stored list refuses: 409 (issue 10 §5), naming the field
    with expect(Conflict) as info:
        rpc.update_list(actor, created["id"], {"private": False})
    assert info.value.errors == {"private": ["private_list_stays_private"]}
    with expect(Conflict) as info:
        rpc.update_list(actor, created["id"], {"access_all_users": True})
    assert info.value.errors == {"access_all_users": ["private_list_not_shared"]}
    assert rpc.update_list(actor, created["id"], {"name": "Renamed"})["name"] == "Renamed"


def test_private_list_is_seen_by_its_creator_only(rpc):
    admin = make_actor(is_admin=True)
    other = make_actor(admin["org_id"], is_admin=True)
    created = rpc.create_list(admin, {"name": "Secret", "private": True})
    assert created["id"] not in {lst["id"] for lst in rpc.list_lists(other)}
    with expect(NotFound):
        rpc.set_list_grants(other, created["id"], {"user_ids": [other["user_id"]]})


def test_access_all_users_and_grants_open_a_list(rpc):
    admin = make_actor(is_admin=True)
    user = make_actor(admin["org_id"])
    shared = rpc.create_list(admin, {"name": "All", "access_all_users": True})
    granted = rpc.create_list(admin, {"name": "Granted"})
    assert {lst["id"] for lst in rpc.list_lists(user)} == {shared["id"]}
    rpc.set_list_grants(admin, granted["id"], {"user_ids": [user["user_id"]]})
    assert {lst["id"] for lst in rpc.list_lists(user)} == {shared["id"], granted["id"]}
    assert rpc.get_list_grants(admin, granted["id"]) == {"user_ids": [user["user_id"]]}
    with expect(Forbidden, code="admin_only"):
        rpc.set_list_grants(user, granted["id"], {"user_ids": []})


def test_selection_accepts_only_accessible_lists(rpc):
    admin = make_actor(is_admin=True)
    user = make_actor(admin["org_id"])
    foreign = rpc.create_list(make_actor(), {"name": "Elsewhere"})
    closed = rpc.create_list(admin, {"name": "Closed"})
    # unknown, another organization's, not accessible: the same answer (issue 10 §1)
    for list_id in ("no-such-list", foreign["id"], closed["id"]):
        with expect(InvalidInput) as info:
            rpc.set_selected_lists(user, {"list_ids": [list_id]})
        assert info.value.errors == {"list_ids": ["unknown_list"]} and info.value.params == {"ids": list_id}
    assert rpc.set_selected_lists(admin, {"list_ids": []}) == {"list_ids": []}


def test_only_creator_or_admin_changes_a_list(rpc):
    owner = make_actor()
    other = make_actor(owner["org_id"])
    shared = rpc.create_list(owner, {"name": "Shared", "access_all_users": True})
    with expect(Forbidden, code="list_owner_only"):
        rpc.update_list(other, shared["id"], {"name": "Mine now"})
    rpc.delete_list(owner, shared["id"])
    with expect(NotFound):
        rpc.delete_list(owner, shared["id"])
