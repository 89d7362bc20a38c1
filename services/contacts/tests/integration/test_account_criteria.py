"""``account.city`` / ``account.street`` criteria (C-12): positive comparisons read the account's values copied
on each contact (records/repository/criteria.py ``ACCOUNT_ON_CONTACT``), so the copy must follow every change of
the account, and contacts without an account never match them; negative ones ask the accounts."""
import json

from contacts_helpers import make_actor


def _ids(rpc, actor, *items, op="and"):
    page = rpc.search_contacts(actor, {"criteria": json.dumps({"op": op, "items": list(items)}), "per_page": 200})
    return {c["id"] for c in page["items"]}


def test_account_city_criteria_follow_the_account_and_ignore_contacts_without_one(rpc):
    admin = make_actor(is_admin=True, all_contacts=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})["id"]
    account = rpc.create_account(admin, {"name": "Bois inc.", "city": "Laval", "street": "1 rue Principale",
                                         "list_ids": [shared]})
    employee = rpc.create_contact(admin, {"last_name": "Roy", "account_id": account["id"], "list_ids": [shared]})
    # Lives in Laval but has no account: "account.city" is empty for them.
    loner = rpc.create_contact(admin, {"last_name": "Seul", "city": "Laval", "street": "1 rue Principale",
                                       "list_ids": [shared]})
    laval = {"field": "account.city", "cmp": "contains", "value": "LAV"}
    assert _ids(rpc, admin, laval) == {employee["id"]}
    assert _ids(rpc, admin, {"field": "account.street", "cmp": "starts_with", "value": "1 rue"}) == {employee["id"]}
    assert _ids(rpc, admin, {"field": "account.city", "cmp": "ne", "value": "laval"}) == {loner["id"]}

    rpc.update_account(admin, account["id"], {"city": "Lévis", "version": account["version"]})
    assert _ids(rpc, admin, laval) == set()
    assert _ids(rpc, admin, {"field": "account.city", "cmp": "eq", "value": "levis"}) == {employee["id"]}
    assert _ids(rpc, admin, {"field": "account.city", "cmp": "ne", "value": "levis"}) == {loner["id"]}
