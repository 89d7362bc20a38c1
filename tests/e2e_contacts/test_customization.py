"""Custom fields, criteria, saved filters, layouts and sort through the gateway (C-12, C-14, C-15, S-3, S-9)."""
import json

from conftest import assert_problem, ok


def _field(client, key, kind="text", module="contacts", **extra):
    return client.post(f"/custom-fields/{module}", json={"key": key, "type": kind, "label_fr": key.title(),
                                                          "label_en": key.title(), **extra})


def test_limited_user_cannot_manage_custom_fields_or_layouts(org, member):
    client = member["client"]
    assert_problem(_field(client, "secteur"), 403, code="admin_only")
    ok(_field(org["admin"], "secteur"), 201)
    assert_problem(client.patch("/custom-fields/contacts/secteur", json={"hidden": True}), 403)
    assert_problem(client.delete("/custom-fields/contacts/secteur"), 403)
    assert_problem(client.put("/layouts/contacts", json={"columns": [["city"]]}), 403)
    assert [f["key"] for f in ok(client.get("/custom-fields/contacts"))] == ["secteur"]
    assert_problem(_field(org["admin"], "secteur"), 409, code="custom_field_key_taken")
    assert_problem(_field(org["admin"], "Bad-Key"), 422, fields=["key"])


def test_field_hidden_by_role_is_absent_from_contacts_history_and_criteria(org, member):
    admin, client, user_id = org["admin"], member["client"], member["user"]["id"]
    ok(_field(admin, "salaire", "decimal"), 201)
    ok(_field(admin, "secteur"), 201)
    contact = ok(admin.post("/contacts", json={"last_name": "Roy", "rep1_id": user_id, "list_ids": [org["shared"]],
                                               "custom": {"salaire": "1000.50", "secteur": "Bois"}}), 201)
    ok(admin.patch(f"/contacts/{contact['id']}", json={"custom": {"salaire": "2000"}}))
    modules = {m: {"read": True, "write": True, "delete": False, "export": False} for m in ("contacts", "accounts")}
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": modules, "fields": {"contacts.custom.salaire": {"read": False, "write": False}}}))
    assert ok(client.get(f"/contacts/{contact['id']}"))["custom"] == {"secteur": "Bois"}
    assert ok(client.get("/contacts"))["items"][0]["custom"] == {"secteur": "Bois"}
    history = ok(client.get(f"/contacts/{contact['id']}/history"))
    assert "custom.salaire" not in {e["field"] for e in history}
    assert "custom.salaire" in {e["field"] for e in ok(admin.get(f"/contacts/{contact['id']}/history"))}
    assert_problem(client.patch(f"/contacts/{contact['id']}", json={"custom": {"salaire": "1"}}), 403,
                   fields=["custom.salaire"])
    criteria = json.dumps({"field": "custom.salaire", "cmp": "gt", "value": 1500})
    assert_problem(client.get("/contacts", params={"criteria": criteria}), 403, code="field_not_readable")
    assert_problem(client.get("/contacts", params={"sort": "custom.salaire"}), 403)
    assert ok(admin.get("/contacts", params={"criteria": criteria}))["total"] == 1


def test_criteria_by_account_city_and_custom_field_with_accents(org):
    admin = org["admin"]
    ok(_field(admin, "secteur"), 201)
    account = ok(admin.post("/accounts", json={"name": "Gagnon", "city": "Montréal", "list_ids": [org["shared"]]}),
                 201)
    hit = ok(admin.post("/contacts", json={"last_name": "Émond", "account_id": account["id"],
                                           "list_ids": [org["shared"]], "custom": {"secteur": "Ébénisterie"}}), 201)
    ok(admin.post("/contacts", json={"last_name": "Autre", "account_id": account["id"], "list_ids": [org["shared"]],
                                     "custom": {"secteur": "Métal"}}), 201)
    ok(admin.post("/contacts", json={"last_name": "Sans", "city": "Montréal", "list_ids": [org["shared"]],
                                     "custom": {"secteur": "ebenisterie"}}), 201)
    criteria = {"op": "and", "items": [{"field": "account.city", "cmp": "contains", "value": "MONTREAL"},
                                       {"field": "custom.secteur", "cmp": "starts_with", "value": "ebenist"}]}
    page = ok(admin.get("/contacts", params={"criteria": json.dumps(criteria)}))
    assert [c["id"] for c in page["items"]] == [hit["id"]]


def test_bad_criteria_is_422_with_its_path(org):
    admin = org["admin"]
    bad = {"op": "and", "items": [{"field": "city", "cmp": "eq", "value": "x"}, {"field": "city", "cmp": "like"}]}
    assert_problem(admin.get("/contacts", params={"criteria": json.dumps(bad)}), 422,
                   fields=["criteria.items.1.cmp"])
    assert_problem(admin.get("/contacts", params={"criteria": "{not json"}), 422, fields=["criteria"])
    assert_problem(admin.post("/filters/contacts", json={"name": "x", "criteria": bad}), 422,
                   fields=["criteria.items.1.cmp"])
    assert_problem(admin.get("/contacts", params={"sort": "nope"}), 422, fields=["sort"])


def test_saved_filter_of_another_user_is_not_found(org, member):
    admin, client = org["admin"], member["client"]
    saved = ok(admin.post("/filters/contacts", json={"name": "Vides", "criteria": {"field": "title",
                                                                                  "cmp": "empty"}}), 201)
    assert [f["id"] for f in ok(admin.get("/filters/contacts"))] == [saved["id"]]
    assert ok(admin.get("/contacts", params={"filter_id": saved["id"]}))["total"] == 0
    assert ok(client.get("/filters/contacts")) == []
    assert_problem(client.get("/contacts", params={"filter_id": saved["id"]}), 404)
    assert_problem(client.patch(f"/filters/contacts/{saved['id']}", json={"name": "x"}), 404)
    assert_problem(client.delete(f"/filters/contacts/{saved['id']}"), 404)
    assert_problem(admin.get("/accounts", params={"filter_id": saved["id"]}), 404)
    ok(admin.delete(f"/filters/contacts/{saved['id']}"), 204)


def test_sort_by_custom_field_is_remembered(org):
    admin = org["admin"]
    ok(_field(admin, "rang", "number"), 201)
    ids = [ok(admin.post("/contacts", json={"last_name": name, "list_ids": [org["shared"]],
                                            "custom": {"rang": rank}}), 201)["id"]
           for name, rank in (("A", 10), ("B", 9), ("C", 100))]
    page = ok(admin.get("/contacts", params={"sort": "-custom.rang"}))
    assert [c["id"] for c in page["items"]] == [ids[2], ids[0], ids[1]]
    assert ok(admin.get("/layouts/contacts"))["sort"] == "-custom.rang"
    assert [c["id"] for c in ok(admin.get("/contacts"))["items"]] == [ids[2], ids[0], ids[1]]
    assert [c["id"] for c in ok(admin.get("/contacts", params={"sort": "last_name"}))["items"]] == ids


def test_more_than_seventy_custom_fields_is_409(org):
    """The module is full: a valid body the stored fields refuse (issue 10 §5)."""
    admin = org["admin"]
    for i in range(70):
        ok(_field(admin, f"f{i}", "boolean"), 201)
    assert_problem(_field(admin, "f70", "boolean"), 409, code="custom_fields_limit")


def test_layout_round_trip_and_unknown_field(org):
    admin = org["admin"]
    ok(_field(admin, "secteur"), 201)
    assert_problem(admin.put("/layouts/contacts", json={"columns": [["nope"]]}), 422, fields=["columns.0.0"])
    layout = ok(admin.put("/layouts/contacts", json={"columns": [["last_name", "first_name"], ["custom.secteur"]]}))
    assert layout["columns"] == [["last_name", "first_name"], ["custom.secteur"]]
