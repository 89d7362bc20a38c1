"""Deletes, trash and restore (C-10), relations (C-5), moves (C-7) and bulk actions (C-9) through the gateway,
tried from a second user, a second organization and a role without the delete permission."""
import pytest
from conftest import assert_problem, eventually, ok, sign_up
from stack import SERVICES

MODULES = ("contacts", "accounts")


def _contact(client, lists, **fields):
    return ok(client.post("/contacts", json={"list_ids": lists, **fields}), 201)


def _grant(org, member, *, delete):
    modules = {m: {"read": True, "write": True, "delete": delete, "export": False} for m in MODULES}
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={"modules": modules}))


@pytest.fixture
def deleter(org, member):
    _grant(org, member, delete=True)
    return member


def test_delete_then_restore_brings_back_memberships_relations_history(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Gagnon", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Dupré"}), 201)
    friend = _contact(admin, [org["shared"]], last_name="Ami")
    ok(admin.put(f"/contacts/{contact['id']}/lists", json={"list_ids": [org["shared"], org["closed"]]}))
    ok(admin.post(f"/contacts/{contact['id']}/relations", json={"other_id": friend["id"], "label": "Associé"}), 201)
    preview = ok(admin.get(f"/contacts/{contact['id']}/delete-preview"))
    assert preview["offers_account_delete"] is True and preview["tasks"] == [] and preview["opportunities"] == []
    ok(admin.delete(f"/contacts/{contact['id']}"), 204)
    assert_problem(admin.get(f"/contacts/{contact['id']}"), 404)
    assert ok(admin.get(f"/contacts/{friend['id']}/relations")) == []
    trash = ok(admin.get("/trash"))
    assert trash["total"] == 1 and trash["items"][0]["id"] == contact["id"]
    assert trash["items"][0]["expires_at"] > trash["items"][0]["deleted_at"]
    restored = ok(admin.post(f"/trash/{contact['id']}/restore"))
    assert restored["restored"] == [{"type": "contact", "id": contact["id"]}]
    back = ok(admin.get(f"/contacts/{contact['id']}"))
    assert sorted(back["list_ids"]) == sorted([org["shared"], org["closed"]]) and back["account_id"] == account["id"]
    assert [r["other_id"] for r in ok(admin.get(f"/contacts/{friend['id']}/relations"))] == [contact["id"]]
    fields = [e["field"] for e in ok(admin.get(f"/contacts/{contact['id']}/history"))]
    assert fields[:2] == ["restored", "deleted"] and "created" in fields
    assert ok(admin.get("/trash"))["total"] == 0


def test_account_delete_takes_contacts_and_delete_account_option(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Boulangerie", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Mie"}), 201)
    preview = ok(admin.get(f"/accounts/{account['id']}/delete-preview"))
    assert preview["contacts"] == [{"id": contact["id"], "name": "Mie"}] and preview["contacts_total"] == 1
    ok(admin.delete(f"/accounts/{account['id']}"), 204)
    assert_problem(admin.get(f"/contacts/{contact['id']}"), 404)
    ok(admin.post(f"/trash/{account['id']}/restore"))
    assert ok(admin.get(f"/contacts/{contact['id']}"))["account_id"] == account["id"]
    ok(admin.delete(f"/contacts/{contact['id']}?delete_account=true"), 204)
    assert_problem(admin.get(f"/accounts/{account['id']}"), 404)
    assert_problem(admin.delete(f"/contacts/{contact['id']}?delete_account=maybe"), 422, fields=["delete_account"])


def test_role_without_delete_permission_gets_403(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    contact = _contact(admin, [org["shared"]], last_name="Protégé", rep1_id=user_id)
    assert_problem(client.delete(f"/contacts/{contact['id']}"), 403, code="missing_permission")
    assert_problem(client.post("/contacts/bulk", json={"action": "delete", "ids": [contact["id"]]}), 403,
                   code="missing_permission")
    ok(admin.delete(f"/contacts/{contact['id']}"), 204)
    assert [i["id"] for i in ok(client.get("/trash"))["items"]] == [contact["id"]]
    assert_problem(client.post(f"/trash/{contact['id']}/restore"), 403, code="missing_permission")
    _grant(org, member, delete=True)  # S-3: effective at the next request
    ok(client.post(f"/trash/{contact['id']}/restore"))
    assert ok(client.get(f"/contacts/{contact['id']}"))["id"] == contact["id"]


def test_invisible_contacts_cannot_be_restored_related_moved_or_bulk_deleted(org, deleter, base_url):
    admin, client, user_id = org["admin"], deleter["client"], deleter["user"]["id"]
    mine = _contact(admin, [org["shared"]], last_name="Mien", rep1_id=user_id)
    theirs = _contact(admin, [org["shared"]], last_name="Autre")
    account = ok(admin.post("/accounts", json={"name": "Cible", "rep1_id": user_id, "list_ids": [org["shared"]]}), 201)
    cid = theirs["id"]
    assert_problem(client.post(f"/contacts/{mine['id']}/relations", json={"other_id": cid, "label": "x"}), 404)
    assert_problem(client.get(f"/contacts/{cid}/relations"), 404)
    assert_problem(client.post(f"/contacts/{cid}/move", json={"account_id": account["id"]}), 404)
    assert_problem(client.get(f"/contacts/{cid}/delete-preview"), 404)
    assert_problem(client.delete(f"/contacts/{cid}"), 404)
    result = ok(client.post("/contacts/bulk", json={"action": "delete", "ids": [mine["id"], cid]}))
    assert result["changed"] == 1 and result["not_found"] == [cid]
    ok(admin.get(f"/contacts/{cid}"))
    ok(admin.delete(f"/contacts/{cid}"), 204)
    assert_problem(client.post(f"/trash/{cid}/restore"), 404)
    assert [i["id"] for i in ok(client.get("/trash"))["items"]] == [mine["id"]]
    stranger, _ = sign_up(base_url)
    assert ok(stranger.get("/trash"))["total"] == 0
    assert_problem(stranger.post(f"/trash/{mine['id']}/restore"), 404)


def test_relations_are_symmetric_and_refuse_self_and_duplicates(org):
    admin = org["admin"]
    one = _contact(admin, [org["shared"]], last_name="Siège")
    two = _contact(admin, [org["shared"]], last_name="Filiale")
    created = ok(admin.post(f"/contacts/{one['id']}/relations", json={"other_id": two["id"], "label": "Succursale"}),
                 201)
    assert created["other_name"] == "Filiale"
    seen = ok(admin.get(f"/contacts/{two['id']}/relations"))
    assert [(r["other_id"], r["label"]) for r in seen] == [(one["id"], "Succursale")]
    assert_problem(admin.post(f"/contacts/{two['id']}/relations", json={"other_id": one["id"], "label": "Bis"}), 409,
                   code="relation_exists")
    body = assert_problem(admin.post(f"/contacts/{one['id']}/relations", json={"other_id": one["id"], "label": "x"}),
                          409, code="relation_to_self", fields=["other_id"])  # a valid body (issue 10 §5)
    assert body["errors"]["other_id"] == ["A contact cannot be related to itself."]
    assert_problem(admin.post(f"/contacts/{one['id']}/relations", json={"other_id": two["id"], "label": ""}), 422,
                   fields=["label"])
    ok(admin.delete(f"/contacts/{two['id']}/relations/{one['id']}"), 204)
    assert ok(admin.get(f"/contacts/{one['id']}/relations")) == []


def test_move_to_another_account_is_in_history(org):
    admin = org["admin"]
    old = ok(admin.post("/accounts", json={"name": "Avant inc.", "list_ids": [org["shared"]]}), 201)
    new = ok(admin.post("/accounts", json={"name": "Après inc.", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{old['id']}/contacts", json={"last_name": "Nomade"}), 201)
    moved = ok(admin.post(f"/contacts/{contact['id']}/move", json={"account_id": new["id"]}))
    assert moved["account_id"] == new["id"] and moved["account_name"] == "Après inc."
    entry = ok(admin.get(f"/contacts/{contact['id']}/history"))[0]
    assert (entry["field"], entry["old"], entry["new"]) == ("account_id", old["id"], new["id"])
    assert_problem(admin.post(f"/contacts/{contact['id']}/move", json={}), 422, fields=["account_id"])
    # a valid body the contact's state refuses (it is already there): 409, FR/EN (issue 10 §5)
    admin.language = "fr"
    body = assert_problem(admin.post(f"/contacts/{contact['id']}/move", json={"account_id": new["id"]}), 409,
                          code="same_account", fields=["account_id"])
    assert body["errors"]["account_id"] == ["Le contact fait déjà partie de ce compte."]


def test_bulk_copy_and_move_between_lists_and_limits(org):
    admin = org["admin"]
    a, b = _contact(admin, [org["shared"]], last_name="Alpha"), _contact(admin, [org["shared"]], last_name="Bravo")
    copied = ok(admin.post("/contacts/bulk", json={"action": "copy_to_list", "ids": [a["id"], b["id"]],
                                                   "list_id": org["closed"]}))
    assert copied["changed"] == 2
    moved = ok(admin.post("/contacts/bulk", json={"action": "move_to_list", "q": "alpha", "list_id": org["closed"],
                                                  "from_list_id": org["shared"]}))
    assert moved["matched"] == 1 and moved["changed"] == 1
    assert ok(admin.get(f"/contacts/{a['id']}"))["list_ids"] == [org["closed"]]
    assert sorted(ok(admin.get(f"/contacts/{b['id']}"))["list_ids"]) == sorted([org["shared"], org["closed"]])
    too_many = [f"id{i}" for i in range(10_001)]
    assert_problem(admin.post("/contacts/bulk", json={"action": "delete", "ids": too_many}), 422, fields=["ids"])
    assert_problem(admin.post("/contacts/bulk", json={"action": "copy_to_list", "ids": [a["id"]]}), 422,
                   fields=["list_id"])
    criteria = {"op": "and", "items": [{"field": "last_name", "cmp": "eq", "value": "Bravo"}]}
    copied = ok(admin.post("/contacts/bulk", json={"action": "copy_to_list", "criteria": criteria,
                                                   "list_id": org["shared"]}))
    assert copied["matched"] == 1 and copied["changed"] == 0  # already in it
    assert_problem(admin.post("/contacts/bulk", json={"action": "delete", "criteria": {"op": "nope"}}), 422)
    deleted = ok(admin.post("/contacts/bulk", json={"action": "delete", "q": "bravo"}))
    assert deleted["changed"] == 1 and deleted["accounts_left_empty"] == []
    assert_problem(admin.get(f"/contacts/{b['id']}"), 404)


# Counts and ids (issue 10 §1: a count or an id never reveals more than the record's own GET shows) ------------

def test_an_accounts_delete_preview_counts_and_names_only_the_contacts_the_caller_sees(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    account = ok(admin.post("/accounts", json={"name": "Partagé inc.", "rep1_id": user_id,
                                               "list_ids": [org["shared"]]}), 201)
    seen = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Vu", "rep1_id": user_id}), 201)
    unseen = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Caché"}), 201)
    assert_problem(client.get(f"/contacts/{unseen['id']}"), 404)
    preview = ok(client.get(f"/accounts/{account['id']}/delete-preview"))
    assert preview["contacts"] == [{"id": seen["id"], "name": "Vu"}]
    assert preview["contacts_total"] == 1
    assert unseen["id"] not in str(preview)
    assert ok(admin.get(f"/accounts/{account['id']}/delete-preview"))["contacts_total"] == 2


def test_a_contacts_delete_preview_never_names_an_account_the_caller_cannot_see(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    hidden = ok(admin.post("/accounts", json={"name": "Secret inc.", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{hidden['id']}/contacts", json={"last_name": "Visible",
                                                                          "rep1_id": user_id}), 201)
    assert_problem(client.get(f"/accounts/{hidden['id']}"), 404)
    for language in ("en", "fr"):
        client.language = language
        preview = ok(client.get(f"/contacts/{contact['id']}/delete-preview"))
        assert preview["account_name"] is None and preview["offers_account_delete"] is False
        choices = " ".join(preview["dependents_choices"].values())
        assert hidden["id"] not in choices and "Secret" not in choices, choices
    admin.language = "en"
    assert "Secret inc." in ok(admin.get(f"/contacts/{contact['id']}/delete-preview"))["dependents_choices"]["reattach"]


def test_history_shows_only_the_lists_the_viewer_may_access(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    private = ok(admin.post("/lists", json={"name": "À moi seul", "private": True}), 201)
    contact = _contact(admin, [org["shared"]], last_name="Suivi", rep1_id=user_id)
    copied = ok(admin.post("/contacts/bulk", json={"action": "copy_to_list", "ids": [contact["id"]],
                                                   "list_id": private["id"]}))
    assert copied["changed"] == 1
    ok(admin.post("/contacts/bulk", json={"action": "copy_to_list", "ids": [contact["id"]], "list_id": org["closed"]}))
    ok(admin.put(f"/contacts/{contact['id']}/lists", json={"list_ids": [org["shared"]]}))
    theirs = [e for e in ok(admin.get(f"/contacts/{contact['id']}/history")) if e["field"] == "list_ids"]
    assert any(private["id"] in (e["new"] or []) for e in theirs)  # the admin sees their own private list
    entries = ok(client.get(f"/contacts/{contact['id']}/history"))
    for entry in entries:
        assert private["id"] not in str(entry) and org["closed"] not in str(entry), entry
    # entries whose change was only in lists the viewer cannot access are not shown at all
    assert [e for e in entries if e["field"] == "list_ids" and e["old"] == e["new"]] == []
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [user_id]}))
    entries = ok(client.get(f"/contacts/{contact['id']}/history"))
    assert any(org["closed"] in (e["new"] or []) for e in entries if e["field"] == "list_ids")
    assert private["id"] not in str(entries)


def test_the_trash_and_a_restore_name_only_the_contacts_the_caller_sees(org, deleter):
    admin, client, user_id = org["admin"], deleter["client"], deleter["user"]["id"]
    account = ok(admin.post("/accounts", json={"name": "Corbeille inc.", "rep1_id": user_id,
                                               "list_ids": [org["shared"]]}), 201)
    seen = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Vu", "rep1_id": user_id}), 201)
    unseen = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Caché"}), 201)
    ok(client.delete(f"/accounts/{account['id']}"), 204)
    entry = next(i for i in ok(client.get("/trash"))["items"] if i["id"] == account["id"])
    assert entry["dependants"] == [{"type": "contact", "id": seen["id"]}]
    everything = next(i for i in ok(admin.get("/trash"))["items"] if i["id"] == account["id"])
    assert {d["id"] for d in everything["dependants"]} == {seen["id"], unseen["id"]}
    restored = ok(client.post(f"/trash/{account['id']}/restore"))
    assert sorted(r["id"] for r in restored["restored"]) == sorted([account["id"], seen["id"]])
    ok(admin.get(f"/contacts/{unseen['id']}"))  # restored with the account all the same


@pytest.fixture
def org_without_opportunities(stack, base_url):
    """An organization of the suite's system while its opportunities service is stopped; the service is started
    again after the test, and answers through the gateway before the next test runs (a system of this test's own
    cost a whole stack's start and stop, 30-60 s)."""
    for process in [p for p in stack.processes if p.carnet_name == "opportunities" and p.poll() is None]:
        stack.stop_process(process)
        stack.processes.remove(process)
    admin = None
    try:
        admin, _ = sign_up(base_url)
        shared = ok(admin.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)
        yield {"admin": admin, "shared": shared["id"]}
    finally:
        stack.start_service(next(s for s in SERVICES if s["name"] == "opportunities"))
        checker = admin or sign_up(base_url)[0]
        eventually(lambda: checker.get("/opportunities").status_code == 200, timeout=60, interval=0.3,
                   what="the opportunities service answering through the gateway again")


def test_a_delete_with_its_dependents_is_refused_whole_while_opportunities_cannot_say_what_it_may_take(
        org_without_opportunities):
    """No opportunities service runs: ``dependents=delete`` cannot learn which opportunities and tasks the caller
    may delete, so it deletes nothing and says so (503, Retry-After); ``reattach`` needs no answer."""
    org = org_without_opportunities
    admin = org["admin"]
    admin.language = "en"
    account = ok(admin.post("/accounts", json={"name": "Attente inc.", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Patient"}), 201)
    for response in (admin.delete(f"/contacts/{contact['id']}", params={"dependents": "delete"}),
                     admin.delete(f"/accounts/{account['id']}", params={"dependents": "delete"}),
                     admin.post("/contacts/bulk", json={"action": "delete", "ids": [contact["id"]],
                                                        "dependents": "delete"}),
                     admin.post("/accounts/bulk", json={"action": "delete", "ids": [account["id"]],
                                                        "dependents": "delete"})):
        body = assert_problem(response, 503, code="dependents_unavailable")
        assert response.headers["Retry-After"] and "nothing was deleted" in body["detail"]
    ok(admin.get(f"/contacts/{contact['id']}"))
    ok(admin.get(f"/accounts/{account['id']}"))
    assert ok(admin.get("/trash"))["total"] == 0
    ok(admin.delete(f"/contacts/{contact['id']}", params={"dependents": "reattach"}), 204)
