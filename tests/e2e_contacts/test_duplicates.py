"""Duplicates (C-20) through the gateway: the check before a create, the review queue kept by the scan, dismissing
a pair, the full scan (an administrator's); what another user of the organization (S-4, L-3), a role without a
field (S-3) or without the module, and another organization see; bad input as problem+json."""
from conftest import assert_problem, eventually, ok, sign_up
from support.orgs import add_member

EVERYTHING = {"read": True, "write": True, "delete": True, "export": True}
MARIE = {"first_name": "Marie", "last_name": "Côté", "email": "marie.cote@dupl.example", "phone": "514-222-3333",
         "city": "Montréal"}


def _create(client, list_id, **values):
    return ok(client.post("/contacts", json={"list_ids": [list_id], **values}), 201)


def _scanned(admin, module="contacts"):
    started = admin.post(f"/{module}/duplicates/scan")
    assert started.status_code == 202 and started.headers["Location"] == f"/api/v1/{module}/duplicates/scan"
    return eventually(lambda: ok(admin.get(f"/{module}/duplicates/scan")), lambda s: s["status"] == "done",
                      what="the full scan")


def test_the_check_before_a_create_warns_of_a_probable_duplicate(org):
    admin = org["admin"]
    marie = _create(admin, org["shared"], **MARIE)
    found = ok(admin.post("/contacts/duplicates/check", json={
        "first_name": "COTE", "last_name": "marie", "phone": "(514) 222-3333 poste 7", "city": "montreal"}))
    assert [m["id"] for m in found["items"]] == [marie["id"]]
    match = found["items"][0]
    assert match["score"] >= 85 and match["reasons"] == ["same_name", "same_phone", "same_city"]
    assert match["record"]["email"] == MARIE["email"]
    assert ok(admin.post("/contacts/duplicates/check", json={"last_name": "Nobody"}))["items"] == []


def test_the_check_hides_what_the_caller_may_not_get_or_read(org):
    admin = org["admin"]
    member = add_member(org, modules={"contacts": EVERYTHING, "accounts": EVERYTHING})
    client, role = member["client"], member["role"]
    _create(admin, org["shared"], **MARIE)                                       # the admin's: not the member's
    mine = _create(admin, org["shared"], **{**MARIE, "email": "mc@dupl.example", "rep1_id": member["user"]["id"]})
    found = ok(client.post("/contacts/duplicates/check", json=MARIE))
    assert [m["id"] for m in found["items"]] == [mine["id"]]
    other = sign_up(org["base_url"])[0]
    assert ok(other.post("/contacts/duplicates/check", json=MARIE))["items"] == []
    # without the email's read permission: its value is neither shown nor compared, nor named by a reason
    ok(admin.put(f"/roles/{role['id']}/permissions", json={
        "modules": {"contacts": EVERYTHING}, "fields": {"contacts.email": {"read": False, "write": False}}}))
    found = ok(client.post("/contacts/duplicates/check", json={"email": "mc@dupl.example"}))
    assert found["items"] == []
    found = ok(client.post("/contacts/duplicates/check", json=MARIE))
    assert [m["id"] for m in found["items"]] == [mine["id"]]
    assert "email" not in found["items"][0]["record"] and "same_email" not in found["items"][0]["reasons"]
    # without the module's read permission: 403
    ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": {"accounts": EVERYTHING}, "fields": {}}))
    assert_problem(client.post("/contacts/duplicates/check", json=MARIE), 403)
    assert_problem(client.get("/contacts/duplicates"), 403)


def test_bad_input_is_a_problem_naming_the_field(org):
    admin = org["admin"]
    assert_problem(admin.post("/contacts/duplicates/check", json={"name": "Acme"}), 422, fields=["name"])
    assert_problem(admin.post("/accounts/duplicates/check", json={"name": "x" * 201}), 422, fields=["name"])
    assert_problem(admin.post("/contacts/duplicates/dismiss", json={"a_id": "x"}), 422, fields=["b_id"])
    assert_problem(admin.get("/contacts/duplicates", params={"per_page": 0}), 422, fields=["per_page"])


def test_the_queue_dismiss_and_scan_keep_to_what_each_caller_may_see(org):
    admin = org["admin"]
    member = add_member(org, modules={"contacts": EVERYTHING, "accounts": EVERYTHING})
    client, user_id = member["client"], member["user"]["id"]
    a = _create(admin, org["shared"], **MARIE)
    b = _create(admin, org["shared"], **{**MARIE, "last_name": "Cotté", "phone": None})
    c = _create(admin, org["shared"], first_name="Zoé", last_name="Fortin", phone="819 555 1212", rep1_id=user_id)
    d = _create(admin, org["shared"], first_name="Zoe", last_name="Fortin", phone="819-555-1212 x3", rep1_id=user_id)
    assert_problem(client.post("/contacts/duplicates/scan"), 403)                # an administrator's
    state = _scanned(admin)
    assert state["result"]["pairs"] == 2 and state["result"]["records"] == 4
    queue = ok(admin.get("/contacts/duplicates"))
    assert queue["total"] == 2 and queue["items"][0]["score"] >= queue["items"][1]["score"]
    assert {frozenset((i["a"]["id"], i["b"]["id"])) for i in queue["items"]} == {
        frozenset((a["id"], b["id"])), frozenset((c["id"], d["id"]))}
    seen = ok(client.get("/contacts/duplicates"))
    assert seen["total"] == 1 and {seen["items"][0]["a"]["id"], seen["items"][0]["b"]["id"]} == {c["id"], d["id"]}
    assert_problem(client.post("/contacts/duplicates/dismiss", json={"a_id": a["id"], "b_id": b["id"]}), 404)
    other = sign_up(org["base_url"])[0]
    assert ok(other.get("/contacts/duplicates"))["total"] == 0
    assert_problem(other.post("/contacts/duplicates/dismiss", json={"a_id": c["id"], "b_id": d["id"]}), 404)
    assert ok(other.get("/contacts/duplicates/scan"))["status"] == "never"
    response = client.post("/contacts/duplicates/dismiss", json={"a_id": d["id"], "b_id": c["id"]})
    assert response.status_code == 204, response.text
    assert ok(client.get("/contacts/duplicates"))["total"] == 0
    assert ok(admin.get("/contacts/duplicates"))["total"] == 1
    # a record created after the scan joins the queue by the incremental check; deleting it takes its pair away
    e = _create(admin, org["shared"], **{**MARIE, "first_name": "Marie-", "phone": "+1 514 222 3333"})
    eventually(lambda: ok(admin.get("/contacts/duplicates", params={"record_id": e["id"]}))["total"],
               lambda total: total == 2, what="the new record's pairs")
    assert admin.delete(f"/contacts/{e['id']}").status_code == 204
    assert ok(admin.get("/contacts/duplicates"))["total"] == 1
