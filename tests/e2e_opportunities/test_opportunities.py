"""Opportunities through the gateway: stages, opportunities on accounts and contacts with lines, the O-4 order,
filters, export, read-only ones, permissions and visibility from a second user and a second organization, and
the delete conversation with contacts (C-10)."""
import io

import openpyxl
from conftest import add_member, assert_problem, eventually, ok, sign_up


def _account(client, org, name="Bois Tremblay", **extra):
    account = ok(client.post("/accounts", json={"name": name, "list_ids": [org["shared"]], **extra}), 201)
    contact = ok(client.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Roy"}), 201)
    return account, contact


def _stages(client):
    return {s["probability"]: s for s in ok(client.get("/stages"))}


def _create(client, body):
    """POST /opportunities at once: an account or contact the read model has not heard of yet is confirmed at the
    source (issue 10 §3)."""
    return client.post("/opportunities", json=body)


def test_stages_labels_and_substages(org, member):
    admin = org["admin"]
    admin.language = "fr"
    stages = _stages(admin)
    assert sorted(stages) == [0, 10, 25, 40, 60, 80, 90, 100]
    assert stages[40]["label"] == "Soumission envoyée" and stages[0]["color"]
    renamed = ok(admin.patch(f"/stages/{stages[40]['id']}", json={"label_fr": "Devis envoyé"}))
    assert renamed["label"] == "Devis envoyé" and renamed["probability"] == 40
    assert_problem(admin.patch(f"/stages/{stages[40]['id']}", json={"probability": 45}), 422, fields=["probability"])
    assert_problem(admin.patch(f"/stages/{stages[40]['id']}", json={"color": "#fff"}), 422, fields=["color"])
    assert_problem(member["client"].patch(f"/stages/{stages[40]['id']}", json={"label_en": "x"}), 403)
    locked = ok(admin.post(f"/stages/{stages[90]['id']}/substages",
                           json={"label_fr": "Commande ouverte", "label_en": "Open order", "locked": True}), 201)
    body = assert_problem(admin.patch(f"/substages/{locked['id']}", json={"label_fr": "Autre"}), 409,
                          code="substage_locked")
    assert "synchronisation comptable" in body["detail"]
    other, _ = sign_up(org["base_url"])
    assert_problem(other.patch(f"/stages/{stages[40]['id']}", json={"label_en": "Theirs"}), 404)


def test_opportunity_with_lines_on_account_and_contact_in_o4_order(org):
    admin = org["admin"]
    account, contact = _account(admin, org)
    stages = _stages(admin)
    created = ok(_create(admin, {
        "title": "Plancher", "account_id": account["id"], "contact_id": contact["id"], "stage_id": stages[40]["id"],
        "close_date": "2025-06-30", "lines": [{"product_code": "P1", "quantity": "2", "unit_price": "21.99"},
                                               {"quantity": "1", "unit_price": "0.10", "shipping": "0.20"}]}), 201)
    assert created["total"] == "44.28" and created["lines"][1]["total"] == "0.30"
    ok(admin.post("/opportunities", json={"title": "Perdue", "account_id": account["id"],
                                          "stage_id": stages[0]["id"], "close_date": "2025-01-01"}), 201)
    ok(admin.post("/opportunities", json={"title": "Tôt", "account_id": account["id"],
                                          "stage_id": stages[10]["id"], "close_date": "2025-02-01"}), 201)
    on_account = ok(admin.get("/opportunities", params={"account_id": account["id"]}))
    assert [o["title"] for o in on_account["items"]] == ["Tôt", "Plancher", "Perdue"] and on_account["total"] == 3
    assert ok(admin.get("/opportunities", params={"contact_id": contact["id"]}))["total"] == 3
    lost = ok(admin.get("/opportunities", params={"stage": stages[0]["id"]}))
    assert [o["title"] for o in lost["items"]] == ["Perdue"]
    assert ok(admin.get("/opportunities", params={"q": "planc"}))["total"] == 1
    patched = ok(admin.patch(f"/opportunities/{created['id']}", json={"lines": [], "version": 1}))
    assert patched["total"] == "0.00"
    ok(admin.delete(f"/opportunities/{created['id']}"), 204)
    assert_problem(admin.get(f"/opportunities/{created['id']}"), 404)


def test_bad_input_is_422_naming_the_field_and_changes_nothing(org):
    admin = org["admin"]
    account, contact = _account(admin, org)
    other, other_contact = _account(admin, org, name="Autre")
    stages = _stages(admin)
    foreign_stage = _stages(sign_up(org["base_url"])[0])[10]
    base = {"title": "X", "account_id": account["id"], "stage_id": stages[10]["id"]}
    ok(_create(admin, base), 201)
    cases = [
        ({"lines": [{"quantity": "1", "unit_price": "1.999"}]}, "lines.0.unit_price"),
        ({"lines": [{"quantity": "-1", "unit_price": "1"}]}, "lines.0.quantity"),
        ({"lines": [{"quantity": "1", "unit_price": 2.5}]}, "lines.0.unit_price"),
        ({"lines": [{"quantity": "deux", "unit_price": "1"}]}, "lines.0.quantity"),
        ({"close_date": "30/06/2025"}, "close_date"),
        ({"stage_id": foreign_stage["id"]}, "stage_id"),
        ({"contact_id": other_contact["id"]}, "contact_id"),
    ]
    for extra, field in cases:
        eventually(lambda: admin.get(f"/accounts/{other['id']}"), lambda r: r.status_code == 200)
        body = assert_problem(admin.post("/opportunities", json={**base, **extra}), 422, fields=[field])
        assert body["errors"][field]
    admin.language = "fr"
    body = assert_problem(admin.post("/opportunities", json={**base, "lines": [
        {"quantity": "1", "unit_price": "1.234"}]}), 422)
    assert "2 décimales" in body["errors"]["lines.0.unit_price"][0]
    assert ok(admin.get("/opportunities", params={"account_id": account["id"]}))["total"] == 1


def test_permissions_and_visibility_from_another_user_and_organization(org):
    admin = org["admin"]
    account, _ = _account(admin, org)  # rep 1: the admin
    stages = _stages(admin)
    opportunity = ok(_create(admin, {"title": "Secret", "account_id": account["id"], "stage_id": stages[25]["id"]}),
                     201)
    member = add_member(org)["client"]  # default role: opportunities read/write, no delete nor export
    for response in (member.get(f"/opportunities/{opportunity['id']}"),
                     member.patch(f"/opportunities/{opportunity['id']}", json={"title": "Mine"}),
                     member.post("/opportunities", json={"title": "X", "account_id": account["id"],
                                                         "stage_id": stages[25]["id"]})):
        assert_problem(response, 404)
    assert ok(member.get("/opportunities"))["total"] == 0
    seer = add_member(org, flags={"all_contacts": True})["client"]
    assert ok(seer.get(f"/opportunities/{opportunity['id']}"))["title"] == "Secret"
    assert_problem(seer.delete(f"/opportunities/{opportunity['id']}"), 403, code="missing_permission")
    assert_problem(seer.get("/opportunities/export.xlsx"), 403, code="missing_permission")
    own = add_member(org, flags={"all_contacts": True, "own_records_only": True})["client"]
    assert ok(own.get("/opportunities"))["total"] == 0
    no_read = add_member(org, modules={"contacts": {"read": True}, "accounts": {"read": True}})["client"]
    assert_problem(no_read.get("/opportunities"), 403)
    assert_problem(no_read.get("/stages"), 403)
    stranger, _ = sign_up(org["base_url"])
    assert_problem(stranger.get(f"/opportunities/{opportunity['id']}"), 404)
    assert_problem(stranger.delete(f"/opportunities/{opportunity['id']}"), 404)
    assert ok(stranger.get("/opportunities"))["total"] == 0
    # a list the admin unselects hides its accounts' opportunities too
    ok(admin.put("/me/selected-lists", json={"list_ids": [org["closed"]]}))
    assert_problem(admin.get(f"/opportunities/{opportunity['id']}"), 404)


def test_export_with_the_formula_guard(org):
    admin = org["admin"]
    account, _ = _account(admin, org)
    stages = _stages(admin)
    ok(_create(admin, {"title": "=1+1", "account_id": account["id"], "stage_id": stages[60]["id"],
                       "lines": [{"quantity": "2", "unit_price": "21.99"}]}), 201)
    response = admin.get("/opportunities/export.xlsx", params={"account_id": account["id"]})
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())
    assert rows[1][1].value == "=1+1" and rows[1][1].data_type == "s"
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    assert str(rows[1][7].value) == "43.98"


def test_delete_preview_lists_dependents_and_the_choice_is_applied(org):
    admin = org["admin"]
    account, contact = _account(admin, org)
    second = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Côté"}), 201)
    stages = _stages(admin)
    kept = ok(_create(admin, {"title": "Gardée", "account_id": account["id"], "contact_id": contact["id"],
                              "stage_id": stages[25]["id"]}), 201)
    dropped = ok(_create(admin, {"title": "Supprimée", "account_id": account["id"], "contact_id": second["id"],
                                 "stage_id": stages[25]["id"]}), 201)
    preview = ok(admin.get(f"/contacts/{contact['id']}/delete-preview"))
    assert [o["id"] for o in preview["opportunities"]] == [kept["id"]] and preview["opportunities_total"] == 1
    preview = ok(admin.get(f"/accounts/{account['id']}/delete-preview"))
    assert {o["id"] for o in preview["opportunities"]} == {kept["id"], dropped["id"]}
    assert_problem(admin.delete(f"/contacts/{contact['id']}", params={"dependents": "maybe"}), 422,
                   fields=["dependents"])

    ok(admin.delete(f"/contacts/{contact['id']}", params={"dependents": "reattach"}), 204)
    eventually(lambda: ok(admin.get(f"/opportunities/{kept['id']}")), lambda o: o["contact_id"] is None)
    ok(admin.delete(f"/contacts/{second['id']}", params={"dependents": "delete"}), 200)
    eventually(lambda: admin.get(f"/opportunities/{dropped['id']}"), lambda r: r.status_code == 404)
    assert [o["id"] for o in ok(admin.get("/opportunities", params={"account_id": account["id"]}))["items"]] == \
        [kept["id"]]
    ok(admin.post(f"/trash/{second['id']}/restore"))
    eventually(lambda: admin.get(f"/opportunities/{dropped['id']}"), lambda r: r.status_code == 200)


def test_accounting_opportunities_refuse_edits_with_409(org, stack):
    """Imported through the service's RPC, as the accounting sync does (A-8), then edited through the gateway."""
    from nameko.standalone.rpc import ClusterRpcProxy

    admin = org["admin"]
    account, _ = _account(admin, org)
    stages = _stages(admin)
    ok(_create(admin, {"title": "probe", "account_id": account["id"], "stage_id": stages[90]["id"]}), 201)
    me = ok(admin.get("/me"))
    caller = {"org_id": me["organization"]["id"], "user_id": me["user"]["id"], "is_admin": True,
              "list_ids": [org["shared"]]}
    with ClusterRpcProxy({"AMQP_URI": stack.env["AMQP_URI"], "serializer": "json"}, timeout=20) as proxy:
        imported = proxy.opportunities.import_opportunity(caller, {
            "title": "FACT-1042", "account_id": account["id"], "stage_id": stages[100]["id"], "source": "quickbooks"})
    assert imported["read_only"] is True
    admin.language = "en"
    body = assert_problem(admin.patch(f"/opportunities/{imported['id']}", json={"title": "x"}), 409,
                          code="opportunity_read_only")
    assert "quickbooks" in body["detail"]
    assert_problem(admin.delete(f"/opportunities/{imported['id']}"), 409, code="opportunity_read_only")


def test_action_criteria_filter_contacts_by_their_opportunities(org):
    """C-12: contacts filtered by "has an opportunity at stage …" and "… with total > …", from the summary
    contacts keeps of the opportunities events."""
    import json

    admin = org["admin"]
    account, contact = _account(admin, org, name="Avec")
    _, bare_contact = _account(admin, org, name="Sans")
    stages = _stages(admin)
    ok(_create(admin, {"title": "Grosse", "account_id": account["id"], "stage_id": stages[90]["id"],
                       "lines": [{"quantity": "10", "unit_price": "50.00"}]}), 201)

    def search(*items):
        criteria = json.dumps({"op": "and", "items": list(items)})
        return {c["id"] for c in ok(admin.get("/contacts", params={"criteria": criteria}))["items"]}

    at_order = {"field": "opportunity.stage_id", "cmp": "eq", "value": stages[90]["id"]}
    eventually(lambda: search(at_order), lambda ids: ids == {contact["id"]})
    assert search({"field": "opportunity.total", "cmp": "gt", "value": "499.99"}) == {contact["id"]}
    assert search({"field": "opportunity.total", "cmp": "gt", "value": "500"}) == set()
    assert bare_contact["id"] in search({"field": "opportunity.stage_id", "cmp": "ne", "value": stages[90]["id"]})
    accounts = ok(admin.get("/accounts", params={"criteria": json.dumps({"op": "and", "items": [at_order]})}))
    assert [a["id"] for a in accounts["items"]] == [account["id"]]
    no_opportunities = add_member(org, modules={"contacts": {"read": True}, "accounts": {"read": True}},
                                  flags={"all_contacts": True})["client"]
    assert_problem(no_opportunities.get("/contacts", params={"criteria": json.dumps(
        {"op": "and", "items": [at_order]})}), 403)
