"""``POST /accounts/bulk`` through the gateway (issue 10 §6; C-9, C-10, C-2, S-3): accounts chosen by ids or by
a search (q and/or criteria, as the accounts page), copied or moved to a list, removed from one, or deleted to the
trash with their contacts, exactly as ``DELETE /accounts/{id}`` deletes one. Tried with another organization's ids
and lists, a role without the permission, and a member who sees only some of the accounts selected: what the
caller cannot see is reported in ``not_found`` (ids) or not selected (a search), never acted on, never named."""
import pytest
from conftest import assert_problem, ok, sign_up
from support.orgs import add_member

NONE = {"read": False, "write": False, "delete": False, "export": False}
WRITE = {"read": True, "write": True, "delete": False, "export": False}
ALL = {"read": True, "write": True, "delete": True, "export": False}


def _account(admin, org, name, lists=None, **fields):
    return ok(admin.post("/accounts", json={"name": name, "list_ids": lists or [org["shared"]], **fields}), 201)


def _lists(client, account):
    return sorted(ok(client.get(f"/accounts/{account['id']}"))["list_ids"])


def _bulk(client, **body):
    return client.post("/accounts/bulk", json=body)


def test_accounts_are_copied_moved_and_removed_from_lists_by_ids_or_by_a_search(org):
    admin, shared, closed = org["admin"], org["shared"], org["closed"]
    alpha, bravo = _account(admin, org, "Alpha inc."), _account(admin, org, "Bravo ltée")
    target = ok(admin.post("/lists", json={"name": "Cible"}), 201)["id"]

    copied = ok(_bulk(admin, action="copy_to_list", ids=[alpha["id"], bravo["id"]], list_id=closed))
    assert (copied["action"], copied["matched"], copied["changed"], copied["not_found"]) == (
        "copy_to_list", 2, 2, [])
    assert _lists(admin, alpha) == sorted([shared, closed])
    moved = ok(_bulk(admin, action="move_to_list", q="alpha", from_list_id=closed, list_id=target))
    assert (moved["matched"], moved["changed"], moved["not_in_source_list"]) == (1, 1, 0)
    assert _lists(admin, alpha) == sorted([shared, target]) and _lists(admin, bravo) == sorted([shared, closed])
    criteria = {"op": "and", "items": [{"field": "name", "cmp": "eq", "value": "Bravo ltée"}]}
    copied = ok(_bulk(admin, action="copy_to_list", criteria=criteria, list_id=target))
    assert (copied["matched"], copied["changed"]) == (1, 1)

    removed = ok(_bulk(admin, action="remove_from_list", ids=[alpha["id"], bravo["id"]], from_list_id=closed))
    assert (removed["matched"], removed["changed"], removed["not_in_source_list"]) == (2, 1, 1)
    assert _lists(admin, bravo) == sorted([shared, target])
    # an account never leaves the last of the caller's lists it is in (it would be seen by nobody): moved instead
    lonely = _account(admin, org, "Seul inc.")
    kept = ok(_bulk(admin, action="remove_from_list", ids=[lonely["id"], alpha["id"]], from_list_id=shared))
    assert (kept["matched"], kept["changed"], kept["kept_in_last_list"]) == (2, 1, 1)
    assert _lists(admin, lonely) == [shared] and _lists(admin, alpha) == [target]
    history = ok(admin.get(f"/accounts/{alpha['id']}/history"))
    assert [(e["old"], e["new"]) for e in history if e["field"] == "list_ids"][0] == (sorted([shared, target]),
                                                                                      [target])


@pytest.mark.parametrize(("body", "field"), [
    ({"action": "copy_to_list", "ids": ["a"]}, "list_id"),
    ({"action": "move_to_list", "ids": ["a"], "list_id": "l"}, "from_list_id"),
    ({"action": "remove_from_list", "ids": ["a"], "list_id": "l"}, "from_list_id"),
    ({"action": "delete"}, "ids"),
    ({"action": "delete", "ids": ["a"], "q": "x"}, "ids"),
    ({"action": "delete", "ids": ["a"], "delete_empty_accounts": True}, "delete_empty_accounts"),
    ({"action": "delete", "ids": ["a"], "dependents": "keep"}, "dependents"),
    ({"action": "purge", "ids": ["a"]}, "action"),
    ({"action": "delete", "ids": [f"id{i}" for i in range(10_001)]}, "ids"),
])
def test_a_bad_body_is_a_422_naming_the_field_in_french_and_english(org, body, field):
    admin = org["admin"]
    for language in ("en", "fr"):
        admin.language = language
        assert_problem(_bulk(admin, **body), 422, fields=[field])


def test_another_organizations_accounts_and_lists_are_unknown(org, base_url):
    admin = org["admin"]
    mine = _account(admin, org, "Chez nous inc.")
    stranger, _ = sign_up(base_url)
    theirs_list = ok(stranger.post("/lists", json={"name": "Ailleurs"}), 201)["id"]
    theirs = ok(stranger.post("/accounts", json={"name": "Chez eux inc.", "list_ids": [theirs_list]}), 201)

    result = ok(_bulk(stranger, action="copy_to_list", ids=[mine["id"], theirs["id"]], list_id=theirs_list))
    assert (result["matched"], result["changed"], result["not_found"]) == (1, 0, [mine["id"]])
    result = ok(_bulk(stranger, action="delete", ids=[mine["id"]]))
    assert (result["matched"], result["changed"], result["not_found"]) == (0, 0, [mine["id"]])
    assert _lists(admin, mine) == [org["shared"]]
    # their list is an unknown one to us, exactly like an id of no list (L-2)
    admin.language = "en"
    for field, action in (("list_id", "copy_to_list"), ("from_list_id", "remove_from_list")):
        for list_id in (theirs_list, "nope"):
            body = assert_problem(_bulk(admin, action=action, ids=[mine["id"]], **{field: list_id}), 422,
                                  fields=[field])
            assert body["errors"][field] == [f"No such list: {list_id}."], body
    # a search selects only our own accounts
    found = ok(_bulk(admin, action="copy_to_list", q="chez", list_id=org["closed"]))
    assert (found["matched"], found["changed"]) == (1, 1)
    assert ok(stranger.get(f"/accounts/{theirs['id']}"))["list_ids"] == [theirs_list]


def test_a_role_without_the_permission_is_refused_before_anything_changes(org):
    admin = org["admin"]
    account = _account(admin, org, "Protégé inc.")
    reader = add_member(org, modules={"contacts": ALL, "accounts": {**WRITE, "write": False}},
                        flags={"all_contacts": True})["client"]
    reader.language = "en"
    body = assert_problem(_bulk(reader, action="copy_to_list", ids=[account["id"]], list_id=org["shared"]), 403,
                          code="missing_permission")
    assert "accounts" in body["detail"] and "write" in body["detail"]
    writer = add_member(org, modules={"contacts": ALL, "accounts": WRITE}, flags={"all_contacts": True})["client"]
    writer.language = "en"
    body = assert_problem(_bulk(writer, action="delete", ids=[account["id"]]), 403, code="missing_permission")
    assert "accounts" in body["detail"] and "delete" in body["detail"]
    deleter = add_member(org, modules={"contacts": NONE, "accounts": ALL, "opportunities": ALL, "tasks": WRITE},
                         flags={"all_contacts": True})["client"]
    deleter.language = "en"
    body = assert_problem(_bulk(deleter, action="delete", ids=[account["id"]], dependents="delete"), 403,
                          code="missing_permission")
    assert "tasks" in body["detail"] and "delete" in body["detail"]
    ok(admin.get(f"/accounts/{account['id']}"))
    # the same permissions as DELETE /accounts/{id}: the contacts' own delete permission is not needed
    result = ok(_bulk(deleter, action="delete", ids=[account["id"]]))
    assert (result["matched"], result["changed"]) == (1, 1)
    assert "contacts_deleted" not in result  # a role that may not read contacts is not told their ids


def test_a_member_acts_only_on_the_accounts_they_see_and_deletes_them_with_their_contacts(org):
    admin = org["admin"]
    member = add_member(org, modules={"contacts": ALL, "accounts": ALL})
    client, user_id = member["client"], member["user"]["id"]
    mine = _account(admin, org, "Visible inc.", rep1_id=user_id)
    theirs = _account(admin, org, "Invisible inc.")
    seen = ok(admin.post(f"/accounts/{mine['id']}/contacts", json={"last_name": "Vu", "rep1_id": user_id}), 201)
    unseen = ok(admin.post(f"/accounts/{mine['id']}/contacts", json={"last_name": "Pas vu"}), 201)
    assert_problem(client.get(f"/accounts/{theirs['id']}"), 404)
    assert_problem(client.get(f"/contacts/{unseen['id']}"), 404)

    copied = ok(_bulk(client, action="copy_to_list", ids=[mine["id"], theirs["id"]], list_id=org["shared"]))
    assert (copied["matched"], copied["changed"], copied["not_found"]) == (1, 0, [theirs["id"]])
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [user_id]}))
    moved = ok(_bulk(client, action="copy_to_list", q="inc", list_id=org["closed"]))
    assert (moved["matched"], moved["changed"]) == (1, 1)
    assert _lists(admin, theirs) == [org["shared"]]

    client.language = "en"
    deleted = ok(_bulk(client, action="delete", ids=[theirs["id"], mine["id"]]))
    assert (deleted["matched"], deleted["changed"], deleted["not_found"]) == (1, 1, [theirs["id"]])
    assert deleted["contacts_deleted"] == [seen["id"]] and unseen["id"] not in str(deleted)
    for path in (f"/accounts/{mine['id']}", f"/contacts/{seen['id']}", f"/contacts/{unseen['id']}"):
        assert_problem(admin.get(path), 404)  # C-10: an account goes with every contact, seen or not
    ok(admin.get(f"/accounts/{theirs['id']}"))
    entry = next(i for i in ok(client.get("/trash"))["items"] if i["id"] == mine["id"])
    assert entry["dependants"] == [{"type": "contact", "id": seen["id"]}]
    ok(client.post(f"/trash/{mine['id']}/restore"))
    for path in (f"/accounts/{mine['id']}", f"/contacts/{seen['id']}", f"/contacts/{unseen['id']}"):
        ok(admin.get(path))


def test_a_move_to_the_list_it_comes_from_is_refused(org):
    admin = org["admin"]
    account = _account(admin, org, "Immobile inc.")
    assert_problem(_bulk(admin, action="move_to_list", ids=[account["id"]], from_list_id=org["shared"],
                         list_id=org["shared"]), 422, fields=["list_id"])
