"""Contacts and accounts: visibility, memberships, history, concurrency, search (C-2..C-17, S-4, S-5)."""
import threading

import pytest
from contacts_helpers import expect, make_actor

from carnet_common.errors import Conflict, InvalidInput, NotFound


@pytest.fixture
def world(rpc):
    """An organization with an admin, a list shared with everyone and a second, unshared list."""
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})
    closed = rpc.create_list(admin, {"name": "Closed"})
    return {"admin": admin, "shared": shared["id"], "closed": closed["id"], "org_id": admin["org_id"]}


def _user(world, rpc, **flags):
    user = make_actor(world["org_id"], **flags)
    rpc.set_selected_lists(user, {"list_ids": [world["shared"]]})
    return user


def test_contact_created_in_lists_reads_back_with_account_name(rpc, world):
    account = rpc.create_account(world["admin"], {"name": "Ébénisterie Gagnon", "city": "Montréal",
                                                  "list_ids": [world["shared"]]})
    contact = rpc.create_contact(world["admin"], {"first_name": "Émile", "last_name": "Dupré",
                                                  "account_id": account["id"], "list_ids": [world["shared"]]})
    got = rpc.get_contact(world["admin"], contact["id"])
    assert got["account_name"] == "Ébénisterie Gagnon"
    assert got["list_ids"] == [world["shared"]]
    assert got["version"] == 1 and got["rep1_id"] == world["admin"]["user_id"]


def test_contact_from_its_account_takes_the_account_lists(rpc, world):
    account = rpc.create_account(world["admin"], {"name": "Acme", "list_ids": [world["shared"]]})
    contact = rpc.create_account_contact(world["admin"], account["id"], {"last_name": "Roy"})
    assert contact["account_id"] == account["id"] and contact["list_ids"] == [world["shared"]]
    page = rpc.list_account_contacts(world["admin"], account["id"], {})
    assert [c["id"] for c in page["items"]] == [contact["id"]]


def test_an_unknown_list_and_another_orgs_list_are_both_unknown(rpc, world):
    """Issue 10 §1 (L-2): the answer never tells an existing list the caller may not access from no list."""
    foreign = rpc.create_list(make_actor(), {"name": "Other org"})
    for list_id in ("nope", foreign["id"]):
        with expect(InvalidInput) as info:
            rpc.create_contact(world["admin"], {"last_name": "X", "list_ids": [list_id]})
        assert info.value.errors == {"list_ids": ["unknown_list"]}


def test_user_sees_only_own_contacts_in_selected_accessible_lists(rpc, world):
    user = _user(world, rpc)
    mine = rpc.create_contact(world["admin"], {"last_name": "Mine", "rep2_id": user["user_id"],
                                               "list_ids": [world["shared"]]})
    theirs = rpc.create_contact(world["admin"], {"last_name": "Theirs", "list_ids": [world["shared"]]})
    hidden = rpc.create_contact(world["admin"], {"last_name": "Hidden", "rep1_id": user["user_id"],
                                                 "list_ids": [world["closed"]]})
    assert rpc.get_contact(user, mine["id"])["id"] == mine["id"]
    for contact in (theirs, hidden):
        with expect(NotFound):
            rpc.get_contact(user, contact["id"])
        with expect(NotFound):
            rpc.update_contact(user, contact["id"], {"title": "x"})
        with expect(NotFound):
            rpc.get_contact_history(user, contact["id"])
        with expect(NotFound):
            rpc.set_contact_lists(user, contact["id"], {"list_ids": [world["shared"]]})
        with expect(NotFound):
            rpc.delete_contact(user, contact["id"])
    assert {c["id"] for c in rpc.search_contacts(user, {})["items"]} == {mine["id"]}
    everyone = _user(world, rpc, all_contacts=True)
    assert {c["id"] for c in rpc.search_contacts(everyone, {})["items"]} == {mine["id"], theirs["id"]}
    rpc.set_selected_lists(everyone, {"list_ids": []})
    assert rpc.search_contacts(everyone, {})["total"] == 0


def test_hierarchy_flag_adds_subordinates_contacts(rpc, world):
    report = make_actor(world["org_id"])
    contact = rpc.create_contact(world["admin"], {"last_name": "Sub", "rep1_id": report["user_id"],
                                                  "list_ids": [world["shared"]]})
    boss = _user(world, rpc, subordinate_ids=[report["user_id"]])
    with expect(NotFound):
        rpc.get_contact(boss, contact["id"])
    boss["flags"]["hierarchy_contacts"] = True
    assert rpc.get_contact(boss, contact["id"])["id"] == contact["id"]


def test_other_organization_sees_nothing(rpc, world):
    contact = rpc.create_contact(world["admin"], {"last_name": "Private", "list_ids": [world["shared"]]})
    stranger = make_actor(is_admin=True)
    with expect(NotFound):
        rpc.get_contact(stranger, contact["id"])
    with expect(NotFound):
        rpc.update_contact(stranger, contact["id"], {"title": "x"})
    assert rpc.search_contacts(stranger, {"q": f"id:{contact['id']}"})["total"] == 0


def test_every_change_is_in_the_history(rpc, world):
    contact = rpc.create_contact(world["admin"], {"last_name": "Avant", "list_ids": [world["shared"]]})
    rpc.update_contact(world["admin"], contact["id"], {"last_name": "Après", "title": "PDG"})
    rpc.set_contact_lists(world["admin"], contact["id"], {"list_ids": [world["shared"], world["closed"]]})
    entries = rpc.get_contact_history(world["admin"], contact["id"])
    changes = {e["field"]: (e["old"], e["new"]) for e in entries}
    assert changes["last_name"] == ("Avant", "Après")
    assert changes["title"] == (None, "PDG")
    assert changes["list_ids"] == ([world["shared"]], sorted([world["shared"], world["closed"]]))
    assert "created" in changes
    assert all(e["user_id"] == world["admin"]["user_id"] and e["at"] for e in entries)


def test_membership_in_lists_the_caller_cannot_access_is_kept(rpc, world):
    user = _user(world, rpc)
    contact = rpc.create_contact(world["admin"], {"last_name": "Both", "rep1_id": user["user_id"],
                                                  "list_ids": [world["shared"], world["closed"]]})
    assert rpc.get_contact(user, contact["id"])["list_ids"] == [world["shared"]]
    rpc.set_contact_lists(user, contact["id"], {"list_ids": [world["shared"]]})
    assert set(rpc.get_contact(world["admin"], contact["id"])["list_ids"]) == {world["shared"], world["closed"]}


def test_stale_version_is_a_conflict_and_two_writers_lose_nothing(rpc, world, service_env):
    contact = rpc.create_contact(world["admin"], {"last_name": "Race", "list_ids": [world["shared"]]})
    results = []

    def write(title):
        from nameko.standalone.rpc import ClusterRpcProxy
        with ClusterRpcProxy({"AMQP_URI": service_env["AMQP_URI"], "serializer": "json"}, timeout=20) as p:
            try:
                results.append(p.contacts.update_contact(world["admin"], contact["id"],
                                                         {"title": title, "version": 1}))
            except Conflict as exc:
                results.append(exc)

    threads = [threading.Thread(target=write, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "dict"]
    winner = next(r for r in results if isinstance(r, dict))
    assert winner["version"] == 2
    assert rpc.get_contact(world["admin"], contact["id"])["title"] == winner["title"]


def test_account_rename_is_searchable_through_its_contacts(rpc, world):
    account = rpc.create_account(world["admin"], {"name": "Vieux Nom", "list_ids": [world["shared"]]})
    contact = rpc.create_contact(world["admin"], {"last_name": "Lavoie", "account_id": account["id"],
                                                  "list_ids": [world["shared"]]})
    rpc.update_account(world["admin"], account["id"], {"name": "Nouvelle Société", "city": "Québec"})
    found = rpc.search_contacts(world["admin"], {"q": "societe lavoie c:quebec"})
    assert [c["id"] for c in found["items"]] == [contact["id"]]
    assert found["items"][0]["account_name"] == "Nouvelle Société"


def test_deleting_an_account_deletes_its_contacts(rpc, world):
    account = rpc.create_account(world["admin"], {"name": "Gone", "list_ids": [world["shared"]]})
    contact = rpc.create_account_contact(world["admin"], account["id"], {"last_name": "Gone too"})
    rpc.delete_account(world["admin"], account["id"])
    with expect(NotFound):
        rpc.get_contact(world["admin"], contact["id"])
    with expect(NotFound):
        rpc.get_account(world["admin"], account["id"])


class TestSearch:
    @pytest.fixture(scope="class")
    def data(self, rpc):
        admin = make_actor(is_admin=True)
        lst = rpc.create_list(admin, {"name": "Search"})["id"]
        acme = rpc.create_account(admin, {"name": "Acmé Québec", "city": "Trois-Rivières",
                                          "street": "12 rue des Forges", "list_ids": [lst]})
        made = {
            "marie": rpc.create_contact(admin, {"first_name": "Marie", "last_name": "Tremblay",
                                                "email": "marie@gmail.com", "phone": "(514) 222-3333 x444",
                                                "title": "Directrice générale", "list_ids": [lst]}),
            "emond": rpc.create_contact(admin, {"first_name": "Éric", "last_name": "Émond", "city": "Montréal",
                                                "mobile": "+1 438 555 0101", "list_ids": [lst]}),
            "zed": rpc.create_contact(admin, {"first_name": "Zoé", "last_name": "Zed", "account_id": acme["id"],
                                              "city": "Laval", "list_ids": [lst]}),
            "marc": rpc.create_contact(admin, {"first_name": "Marc", "last_name": "Tremblay",
                                               "phone": "514 999 0000 poste 12", "list_ids": [lst]}),
        }
        return admin, made

    def _ids(self, rpc, admin, q, **query):
        return [c["id"] for c in rpc.search_contacts(admin, {"q": q, **query})["items"]]

    def test_search_ignores_accents_and_case(self, rpc, data):
        admin, made = data
        assert self._ids(rpc, admin, "EMOND") == [made["emond"]["id"]]
        assert self._ids(rpc, admin, "émond éric") == [made["emond"]["id"]]

    def test_all_terms_must_match(self, rpc, data):
        admin, made = data
        assert self._ids(rpc, admin, "tremblay marie") == [made["marie"]["id"]]
        assert self._ids(rpc, admin, "tremblay nobody") == []

    def test_account_name_and_email_are_searched(self, rpc, data):
        admin, made = data
        assert self._ids(rpc, admin, "acme") == [made["zed"]["id"]]
        assert self._ids(rpc, admin, "gmail") == [made["marie"]["id"]]
        assert self._ids(rpc, admin, "e:marie@gmail") == [made["marie"]["id"]]

    def test_prefixes(self, rpc, data):
        admin, made = data
        assert self._ids(rpc, admin, "t:directrice") == [made["marie"]["id"]]
        assert self._ids(rpc, admin, 'c:"trois rivieres"') == []
        assert self._ids(rpc, admin, "c:trois-rivieres") == [made["zed"]["id"]]  # the account's city
        assert self._ids(rpc, admin, "c:montreal") == [made["emond"]["id"]]      # its own, no account
        assert self._ids(rpc, admin, "c:laval") == []                            # has an account
        assert self._ids(rpc, admin, "a:forges") == [made["zed"]["id"]]
        assert self._ids(rpc, admin, f"id:{made['marc']['id']}") == [made["marc"]["id"]]

    def test_phone_digits_match_main_number_without_extension(self, rpc, data):
        admin, made = data
        assert self._ids(rpc, admin, "p:514-222-3333") == [made["marie"]["id"]]
        assert self._ids(rpc, admin, "p:5142223333") == [made["marie"]["id"]]
        assert self._ids(rpc, admin, "p:4385550101") == [made["emond"]["id"]]
        assert self._ids(rpc, admin, "p:9990000") == [made["marc"]["id"]]
        with expect(InvalidInput):
            rpc.search_contacts(admin, {"q": "p:abc"})

    def test_sort_is_by_name_with_accents_in_place_and_pages_are_stable(self, rpc, data):
        admin, made = data
        everything = rpc.search_contacts(admin, {"per_page": 2})
        assert everything["total"] == 4 and everything["total_capped"] is False
        second = rpc.search_contacts(admin, {"per_page": 2, "page": 2})
        order = [c["last_name"] for c in everything["items"] + second["items"]]
        assert order == ["Émond", "Tremblay", "Tremblay", "Zed"]
        assert rpc.search_contacts(admin, {"page": 9})["items"] == []

    def test_bad_queries_are_invalid(self, rpc, data):
        admin, _ = data
        for query in ({"per_page": 201}, {"per_page": 0}, {"page": 0}, {"q": "x" * 501}, {"q": "p:--"}):
            with expect(InvalidInput):
                rpc.search_contacts(admin, query)


def test_title_prefix_does_not_apply_to_accounts(rpc, world):
    with expect(InvalidInput) as info:
        rpc.search_accounts(world["admin"], {"q": "t:chef"})
    assert "q" in info.value.errors
