"""Custom fields of opportunities through the gateway (C-14, O-2, S-3, S-9): administrators define them (the
opportunities service owns them), a field tied to a product type, 422s naming ``custom.<key>``, field permissions
hiding a value from a limited role in responses and exports, and keys of another organization."""
import io

import openpyxl
from conftest import add_member, assert_problem, ok, sign_up

BOIS = [{"product_group": "Bois franc", "quantity": "2", "unit_price": "21.99"}]


def _field(client, key, kind="text", **extra):
    return client.post("/custom-fields/opportunities", json={"key": key, "type": kind, "label_fr": f"{key} (fr)",
                                                            "label_en": f"{key} (en)", **extra})


def _account(client, list_id, name="Bois Tremblay"):
    return ok(client.post("/accounts", json={"name": name, "list_ids": [list_id]}), 201)


def _stage_id(client, probability=40):
    return next(s["id"] for s in ok(client.get("/stages")) if s["probability"] == probability)


def _create(client, body):
    """POST /opportunities at once: an account the read model has not heard of yet is confirmed at the source
    (issue 10 §3)."""
    return client.post("/opportunities", json=body)


def test_administrators_define_opportunity_fields_apart_from_contacts_ones(org, member):
    admin, client = org["admin"], member["client"]
    marche = ok(_field(admin, "marche", "single_choice", choices=["Public", "Privé"]), 201)
    essence = ok(_field(admin, "essence", product_type="Bois franc"), 201)
    assert (marche["module"], marche["product_type"], essence["product_type"]) == \
        ("opportunities", None, "Bois franc")
    ok(admin.post("/custom-fields/contacts", json={"key": "secteur", "type": "text", "label_fr": "Secteur",
                                                   "label_en": "Industry"}), 201)
    assert [f["key"] for f in ok(admin.get("/custom-fields/opportunities"))] == ["marche", "essence"]
    assert [f["key"] for f in ok(admin.get("/custom-fields/contacts"))] == ["secteur"]
    assert_problem(_field(admin, "marche"), 409, code="custom_field_key_taken")
    assert_problem(_field(admin, "Bad-Key"), 422, fields=["key"])
    assert_problem(_field(admin, "choix", "single_choice"), 422, fields=["choices"])
    assert_problem(admin.post("/custom-fields/contacts", json={
        "key": "x", "type": "text", "label_fr": "X", "label_en": "X", "product_type": "Bois"}), 422,
        fields=["product_type"])
    updated = ok(admin.patch("/custom-fields/opportunities/essence", json={"label_en": "Species",
                                                                         "product_type": "Bois mou"}))
    assert (updated["label_en"], updated["product_type"]) == ("Species", "Bois mou")
    assert_problem(_field(client, "mien"), 403)
    assert_problem(client.patch("/custom-fields/opportunities/marche", json={"hidden": True}), 403)
    assert_problem(client.delete("/custom-fields/opportunities/marche"), 403)
    assert [f["key"] for f in ok(client.get("/custom-fields/opportunities"))] == ["marche", "essence"]
    ok(admin.delete("/custom-fields/opportunities/marche"), 204)
    assert_problem(admin.delete("/custom-fields/opportunities/marche"), 404)
    assert [f["key"] for f in ok(admin.get("/custom-fields/opportunities"))] == ["essence"]


def test_values_are_checked_by_type_and_product_type(org):
    admin = org["admin"]
    ok(_field(admin, "budget", "decimal"), 201)
    ok(_field(admin, "essence", product_type="Bois franc"), 201)
    account = _account(admin, org["shared"])
    base = {"title": "Plancher", "account_id": account["id"], "stage_id": _stage_id(admin)}
    created = ok(_create(admin, {**base, "custom": {"budget": "1200.50"}}), 201)
    assert created["custom"] == {"budget": "1200.50"}
    admin.language = "fr"
    body = assert_problem(admin.post("/opportunities", json={**base, "custom": {"budget": "douze", "essence": "Érable",
                                                                               "nope": 1}}), 422,
                          fields=["custom.budget", "custom.nope"])
    assert "type de produit" in body["errors"]["custom.essence"][0]
    admin.language = "en"
    assert_problem(admin.patch(f"/opportunities/{created['id']}", json={"custom": {"essence": "Érable"}}), 422,
                   fields=["custom.essence"])
    with_line = ok(admin.patch(f"/opportunities/{created['id']}", json={
        "lines": [{**BOIS[0], "product_group": "bois franc"}], "custom": {"essence": "Érable"}}))
    assert with_line["custom"] == {"budget": "1200.50", "essence": "Érable"}
    assert ok(admin.get(f"/opportunities/{created['id']}"))["custom"] == with_line["custom"]
    listed = ok(admin.get("/opportunities", params={"account_id": account["id"]}))["items"]
    assert listed[0]["custom"] == with_line["custom"]
    without = ok(admin.patch(f"/opportunities/{created['id']}", json={"lines": []}))
    assert without["custom"] == {"budget": "1200.50"}


def test_a_role_without_read_on_a_field_never_sees_its_value(org):
    admin = org["admin"]
    ok(_field(admin, "marge", "decimal"), 201)
    ok(_field(admin, "secteur"), 201)
    account = _account(admin, org["shared"])
    created = ok(_create(admin, {"title": "Plancher", "account_id": account["id"], "stage_id": _stage_id(admin),
                                 "custom": {"marge": "18.50", "secteur": "=Bois"}}), 201)
    modules = {m: {"read": True, "write": True, "delete": False, "export": m == "opportunities"}
               for m in ("contacts", "accounts", "opportunities")}
    member = add_member(org, flags={"all_contacts": True})
    ok(admin.put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": modules, "fields": {"opportunities.custom.marge": {"read": False, "write": False}}}))
    client = member["client"]
    assert ok(client.get(f"/opportunities/{created['id']}"))["custom"] == {"secteur": "=Bois"}
    assert ok(client.get("/opportunities", params={"account_id": account["id"]}))["items"][0]["custom"] == \
        {"secteur": "=Bois"}
    assert [f["key"] for f in ok(client.get("/custom-fields/opportunities"))] == ["secteur"]
    assert_problem(client.patch(f"/opportunities/{created['id']}", json={"custom": {"marge": "1"}}), 403,
                   code="field_not_writable", fields=["custom.marge"])
    patched = ok(client.patch(f"/opportunities/{created['id']}", json={"custom": {"secteur": "Bois"}}))
    assert patched["custom"] == {"secteur": "Bois"}
    assert ok(admin.get(f"/opportunities/{created['id']}"))["custom"] == {"marge": "18.50", "secteur": "Bois"}
    ok(admin.patch(f"/opportunities/{created['id']}", json={"custom": {"secteur": "=Bois"}}))
    mine = _export_rows(client, account["id"])
    assert "marge (en)" not in mine[0] and mine[1][mine[0].index("secteur (en)")].value == "=Bois"
    theirs = _export_rows(admin, account["id"])
    assert theirs[1][theirs[0].index("marge (en)")].value == 18.5


def _export_rows(client, account_id):
    """The header values, then the first row's cells (checked for formulas)."""
    response = client.get("/opportunities/export.xlsx", params={"account_id": account_id})
    assert response.status_code == 200, response.text
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    return [cell.value for cell in rows[0]], rows[1]


def test_another_organizations_field_key_is_not_usable(org):
    ok(_field(org["admin"], "leur_champ"), 201)
    stranger, _ = sign_up(org["base_url"])
    own_list = ok(stranger.post("/lists", json={"name": "Clients", "access_all_users": True}), 201)
    account = _account(stranger, own_list["id"])
    body = {"title": "X", "account_id": account["id"], "stage_id": _stage_id(stranger)}
    assert_problem(_create(stranger, {**body, "custom": {"leur_champ": "x"}}), 422, fields=["custom.leur_champ"])
    assert ok(stranger.get("/custom-fields/opportunities")) == []
    assert_problem(stranger.patch("/custom-fields/opportunities/leur_champ", json={"label_en": "Mine"}), 404)
