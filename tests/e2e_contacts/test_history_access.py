"""A history never names a contact or an account its viewer cannot see (issue 10 §1; C-2, C-5, C-7, C-17).

A relation's entry names the other contact (``other_id``), a move the accounts left and joined (``old``/``new`` of
``account_id``): such an id shows only when the viewer sees that record (deleted or not, as the trash names it);
otherwise it is null with a flag saying it was left out (``other_hidden``, ``old_hidden``/``new_hidden``, as an
invitation's ``email_hidden``). A restore refused because the contact's account is in the trash names the account
only to a caller who sees it.

The member of these tests sees only their own records (rep 1) in the shared list (S-4); the administrator sees all.
"""
import pytest
from conftest import assert_problem, ok

ALL = {"read": True, "write": True, "delete": True, "export": False}


@pytest.fixture
def deleter(org, member):
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions",
                        json={"modules": {"contacts": ALL, "accounts": ALL}}))
    return member


def _contact(admin, org, **fields):
    return ok(admin.post("/contacts", json={"list_ids": [org["shared"]], **fields}), 201)


def _account(admin, org, **fields):
    return ok(admin.post("/accounts", json={"list_ids": [org["shared"]], **fields}), 201)


def _entries(client, contact_id, field):
    return [e for e in ok(client.get(f"/contacts/{contact_id}/history")) if e["field"] == field]


def test_a_relation_in_the_history_names_the_other_contact_only_to_a_viewer_who_sees_it(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    mine = _contact(admin, org, last_name="Mien", rep1_id=user_id)
    friend = _contact(admin, org, last_name="Ami", rep1_id=user_id)
    hidden = _contact(admin, org, last_name="Caché")
    assert_problem(client.get(f"/contacts/{hidden['id']}"), 404)
    for other in (friend, hidden):
        ok(admin.post(f"/contacts/{mine['id']}/relations", json={"other_id": other["id"], "label": "Associé"}), 201)
        ok(admin.delete(f"/contacts/{mine['id']}/relations/{other['id']}"), 204)

    assert hidden["id"] not in str(ok(client.get(f"/contacts/{mine['id']}/history")))
    shown = _entries(client, mine["id"], "relation_added") + _entries(client, mine["id"], "relation_removed")
    values = sorted((e["new"] or e["old"] for e in shown), key=lambda value: value["other_hidden"])
    assert values == [{"label": "Associé", "other_id": friend["id"], "other_hidden": False}] * 2 \
        + [{"label": "Associé", "other_id": None, "other_hidden": True}] * 2, shown
    # the administrator sees both, named
    added = [e["new"]["other_id"] for e in _entries(admin, mine["id"], "relation_added")]
    assert sorted(added) == sorted([friend["id"], hidden["id"]])
    # a related contact deleted to the trash is still named to whoever sees it (as the trash names it)
    ok(admin.post(f"/contacts/{mine['id']}/relations", json={"other_id": friend["id"], "label": "Encore"}), 201)
    ok(admin.delete(f"/contacts/{friend['id']}"), 204)
    again = [e["new"] for e in _entries(client, mine["id"], "relation_added") if e["new"]["label"] == "Encore"]
    assert again == [{"label": "Encore", "other_id": friend["id"], "other_hidden": False}]


def test_a_move_in_the_history_names_only_the_accounts_the_viewer_sees(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    secret = _account(admin, org, name="Secret inc.")
    open_ = _account(admin, org, name="Ouvert inc.", rep1_id=user_id)
    contact = ok(admin.post(f"/accounts/{secret['id']}/contacts", json={"last_name": "Nomade", "rep1_id": user_id}),
                 201)
    assert_problem(client.get(f"/accounts/{secret['id']}"), 404)
    ok(admin.post(f"/contacts/{contact['id']}/move", json={"account_id": open_["id"]}))  # C-7
    ok(admin.patch(f"/contacts/{contact['id']}", json={"account_id": secret["id"]}))  # a PATCH is a move too

    assert secret["id"] not in str(ok(client.get(f"/contacts/{contact['id']}/history")))
    first, second = reversed(_entries(client, contact["id"], "account_id"))
    assert (first["old"], first["old_hidden"], first["new"], first["new_hidden"]) == (None, True, open_["id"], False)
    assert (second["old"], second["old_hidden"], second["new"], second["new_hidden"]) == (open_["id"], False, None,
                                                                                          True)
    moves = [(e["old"], e["new"], e["old_hidden"], e["new_hidden"]) for e in _entries(admin, contact["id"],
                                                                                      "account_id")]
    assert moves == [(open_["id"], secret["id"], False, False), (secret["id"], open_["id"], False, False)]


def test_a_refused_restore_names_the_account_in_the_trash_only_to_a_caller_who_sees_it(org, deleter):
    admin, client, user_id = org["admin"], deleter["client"], deleter["user"]["id"]
    secret = _account(admin, org, name="Secret inc.")
    contact = ok(admin.post(f"/accounts/{secret['id']}/contacts", json={"last_name": "Orphelin", "rep1_id": user_id}),
                 201)
    ok(client.delete(f"/contacts/{contact['id']}"), 204)
    ok(admin.delete(f"/accounts/{secret['id']}"), 204)
    for language, words in (("en", "account"), ("fr", "compte")):
        client.language = admin.language = language
        body = assert_problem(client.post(f"/trash/{contact['id']}/restore"), 409,
                              code="restore_unseen_account_first", fields=["id"])
        assert secret["id"] not in str(body) and words in body["detail"], body
        body = assert_problem(admin.post(f"/trash/{contact['id']}/restore"), 409, code="restore_account_first")
        assert secret["id"] in body["detail"], body
    ok(admin.post(f"/trash/{secret['id']}/restore"))
    ok(client.post(f"/trash/{contact['id']}/restore"))
