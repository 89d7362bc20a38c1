"""Issue 10 §1, the contacts service's two access leaks, tried through the gateway as a second user of the
organization: an export, a search, a filter, a count or a bulk action never reveals more than the record's own GET
shows that user (S-3, S-4, C-2, C-8).

1. A contact of an account the caller cannot see (another list, another rep) shows the account's name and id only
   (C-8), as its GET does: nothing else of the account answers a search (``c:``/``a:``), a criterion
   (``account.*``), a bulk selection or an export.
2. A search term over a field the caller may not read: a prefix is a 403 naming the field (as criteria are), a
   plain term skips the field, so no number, title or address can be rebuilt digit by digit.
"""
import io
import json

import openpyxl
from conftest import assert_problem, ok
from support.orgs import add_member

SECRET_ACCOUNT = {"name": "Cachette inc.", "email": "compta@cachette.example", "phone": "819-555-0199",
                  "fax": "819-555-0100", "website": "https://cachette.example", "street": "12 rue Dérobée",
                  "city": "Gatineau", "province": "QC", "postal_code": "J8X 1A1", "country": "Canada"}
SECRETS = ("cachette.example", "555", "Dérobée", "Gatineau", "J8X")
EVERYTHING = {"read": True, "write": True, "delete": True, "export": True}


def _ids(client, module="contacts", **params):
    return {item["id"] for item in ok(client.get(f"/{module}", params=params))["items"]}


def _criteria(client, leaf):
    return _ids(client, criteria=json.dumps(leaf))


def _export_rows(client, **params):
    response = client.get("/contacts/export.xlsx", params=params)
    assert response.status_code == 200, response.text
    rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.rows]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _world(org):
    """A member who represents two contacts of the shared list: one of an account kept in the admin's closed list
    (invisible to the member: 404), one of an account of the shared list they represent (visible). Both accounts
    are in Gatineau, on a "rue Dérobée"."""
    admin = org["admin"]
    member = add_member(org, modules={"contacts": EVERYTHING, "accounts": EVERYTHING})
    user_id = member["user"]["id"]
    hidden = ok(admin.post("/accounts", json={**SECRET_ACCOUNT, "list_ids": [org["closed"]]}), 201)
    shown = ok(admin.post("/accounts", json={"name": "Ouvert ltée", "city": "Gatineau", "street": "5 rue Dérobée",
                                             "rep1_id": user_id, "list_ids": [org["shared"]]}), 201)
    of_hidden = ok(admin.post("/contacts", json={"last_name": "Lié", "rep1_id": user_id, "account_id": hidden["id"],
                                                 "list_ids": [org["shared"]]}), 201)
    of_shown = ok(admin.post("/contacts", json={"last_name": "Voisin", "rep1_id": user_id, "account_id": shown["id"],
                                                "list_ids": [org["shared"]]}), 201)
    return member["client"], hidden, shown, of_hidden, of_shown


def test_a_contact_of_an_invisible_account_shows_its_name_and_id_only_on_get_search_criteria_and_bulk(org):
    client, hidden, shown, of_hidden, of_shown = _world(org)
    admin = org["admin"]
    assert_problem(client.get(f"/accounts/{hidden['id']}"), 404)
    got = ok(client.get(f"/contacts/{of_hidden['id']}"))
    assert (got["account_id"], got["account_name"]) == (hidden["id"], "Cachette inc.")
    assert not [secret for secret in SECRETS if secret in json.dumps(got, ensure_ascii=False)]
    # Search (C-11): the name answers plain terms as it is shown; the city and street of c:/a: do not.
    assert _ids(client, q="cachette") == {of_hidden["id"]}
    assert _ids(client, q="c:gatineau") == {of_shown["id"]}
    assert _ids(client, q="a:derobee") == {of_shown["id"]}
    assert _ids(admin, q="c:gatineau") == {of_hidden["id"], of_shown["id"]}
    # Criteria (C-12): account.* never matches through an account the caller cannot see, whatever the field...
    for leaf in ({"field": "account.city", "cmp": "contains", "value": "gatineau"},
                 {"field": "account.city", "cmp": "eq", "value": "Gatineau"},
                 {"field": "account.street", "cmp": "starts_with", "value": "12 rue"},
                 {"field": "account.email", "cmp": "contains", "value": "cachette"},
                 {"field": "account.phone", "cmp": "not_empty"},
                 {"field": "account.website", "cmp": "contains", "value": "https"},
                 {"field": "account.postal_code", "cmp": "starts_with", "value": "J8X"},
                 {"field": "account.name", "cmp": "eq", "value": "Cachette inc."},
                 {"field": "account.id", "cmp": "eq", "value": hidden["id"]}):
        assert of_hidden["id"] not in _criteria(client, leaf), leaf
        assert of_hidden["id"] in _criteria(admin, leaf), leaf
    assert _criteria(client, {"field": "account.city", "cmp": "contains", "value": "gatineau"}) == {of_shown["id"]}
    # ...and reads as a contact without an account: its values are empty to this caller.
    assert of_hidden["id"] in _criteria(client, {"field": "account.email", "cmp": "empty"})
    assert of_hidden["id"] in _criteria(client, {"field": "account.city", "cmp": "ne", "value": "Gatineau"})
    # Bulk (C-9): the selection is the search's, so its count reveals nothing more.
    bulk = ok(client.post("/contacts/bulk", json={"action": "copy_to_list", "list_id": org["shared"],
                                                  "criteria": {"field": "account.phone", "cmp": "contains",
                                                               "value": "555"}}))
    assert bulk["matched"] == 0
    bulk = ok(client.post("/contacts/bulk", json={"action": "copy_to_list", "list_id": org["shared"],
                                                  "q": "c:gatineau"}))
    assert bulk["matched"] == 1


def test_the_export_leaves_an_invisible_accounts_columns_empty_but_its_name_and_id(org):
    client, hidden, shown, of_hidden, of_shown = _world(org)
    rows = {row["ID"]: row for row in _export_rows(client)}
    assert set(rows) == {of_hidden["id"], of_shown["id"]}
    row = rows[of_hidden["id"]]
    assert (row["Account ID"], row["Account name"]) == (hidden["id"], "Cachette inc.")
    account_columns = [key for key in row if key.startswith("Account ") and key not in ("Account ID", "Account name")]
    assert {"Account email", "Account phone", "Account fax", "Account website", "Account street",
            "Account city", "Account postal code"} <= set(account_columns)
    assert {key: row[key] for key in account_columns if row[key] not in (None, "")} == {}
    assert rows[of_shown["id"]]["Account city"] == "Gatineau"   # a visible account keeps its columns
    admin_rows = {row["ID"]: row for row in _export_rows(org["admin"])}
    assert admin_rows[of_hidden["id"]]["Account email"] == "compta@cachette.example"
    assert [r["ID"] for r in _export_rows(client, q="c:gatineau")] == [of_shown["id"]]


def _hiding(org, *fields, modules=None):
    """A member (every contact visible) whose role may not read ``fields`` (``contacts.phone``…)."""
    member = add_member(org, modules=modules or {"contacts": EVERYTHING, "accounts": EVERYTHING},
                        flags={"all_contacts": True})
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": modules or {"contacts": EVERYTHING, "accounts": EVERYTHING},
        "fields": {field: {"read": False, "write": False} for field in fields}}))
    return member["client"]


def _refused(response, field):
    body = assert_problem(response, 403, code="field_not_readable", fields=["q"])
    assert field in body["detail"], body
    return body


def test_a_search_prefix_over_an_unreadable_field_is_a_403_naming_it(org):
    admin = org["admin"]
    contact = ok(admin.post("/contacts", json={
        "last_name": "Chiffré", "phone": "514-222-3333", "title": "Trésorier", "email": "tresor@coffre.example",
        "street": "1 rue du Coffre", "city": "Laval", "list_ids": [org["shared"]]}), 201)
    client = _hiding(org, "contacts.phone", "contacts.title", "contacts.email", "contacts.rep1_id")
    assert ok(admin.get("/contacts", params={"q": f"id:{contact['id']} p:514"}))["total"] == 1
    # The digit-by-digit probe: refused, not answered 1 or 0.
    _refused(client.get("/contacts", params={"q": f"id:{contact['id']} p:514"}), "phone")
    _refused(client.get("/contacts", params={"q": "t:tresorier"}), "title")
    _refused(client.get("/contacts", params={"q": "e:coffre.example"}), "email")
    _refused(client.get("/contacts", params={"q": "r1:admin"}), "rep1_id")
    # The same selection elsewhere: an export, a bulk action, an account's contacts.
    _refused(client.get("/contacts/export.xlsx", params={"q": "p:514"}), "phone")
    _refused(client.post("/contacts/bulk", json={"action": "copy_to_list", "list_id": org["shared"],
                                                 "q": "t:tresorier"}), "title")
    # Readable prefixes still answer.
    assert _ids(client, q=f"id:{contact['id']} c:laval a:coffre") == {contact["id"]}


def test_c_and_a_need_the_contacts_and_the_accounts_address_fields(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Adresse", "city": "Rimouski", "street": "9 rue Haute",
                                               "list_ids": [org["shared"]]}), 201)
    ok(admin.post("/contacts", json={"last_name": "Sans compte", "city": "Rimouski", "list_ids": [org["shared"]]}), 201)
    ok(admin.post("/contacts", json={"last_name": "Avec", "account_id": account["id"], "list_ids": [org["shared"]]}),
       201)
    no_account_city = _hiding(org, "accounts.city")
    _refused(no_account_city.get("/contacts", params={"q": "c:rimouski"}), "account.city")
    _refused(no_account_city.get("/accounts", params={"q": "c:rimouski"}), "city")
    assert _ids(no_account_city, q="a:haute") and _ids(no_account_city, module="accounts", q="a:haute")
    no_street = _hiding(org, "contacts.street")
    _refused(no_street.get("/contacts", params={"q": "a:haute"}), "street")
    assert len(_ids(no_street, q="c:rimouski")) == 2
    no_accounts = _hiding(org, modules={"contacts": EVERYTHING})
    _refused(no_accounts.get("/contacts", params={"q": "c:rimouski"}), "account.city")


def test_plain_terms_skip_the_fields_the_caller_may_not_read(org):
    admin = org["admin"]
    contact = ok(admin.post("/contacts", json={"first_name": "Zélie", "last_name": "Masquée",
                                               "email": "zorglub@secret.example", "list_ids": [org["shared"]]}), 201)
    account = ok(admin.post("/accounts", json={"name": "Vitrine", "email": "zorglub@vitrine.example",
                                               "list_ids": [org["shared"]]}), 201)
    assert _ids(admin, q="zorglub") == {contact["id"]}
    assert _ids(admin, module="accounts", q="zorglub") == {account["id"]}
    client = _hiding(org, "contacts.email", "accounts.email")
    assert _ids(client, q="zorglub") == set()
    assert _ids(client, q="secret.example") == set()
    assert _ids(client, module="accounts", q="zorglub") == set()
    # What it may read still answers, alone or quoted across the first and last names.
    assert _ids(client, q="zelie masquee") == {contact["id"]}
    assert _ids(client, q='"zelie masq"') == {contact["id"]}
    assert _ids(client, module="accounts", q="vitrine") == {account["id"]}
    no_names = _hiding(org, "contacts.first_name")
    assert _ids(no_names, q="zelie") == set()
    assert _ids(no_names, q="masquee zorglub") == {contact["id"]}
