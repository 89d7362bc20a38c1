"""A delete preview shows the opportunities and tasks hanging on a record through the caller's field permissions
(issue 10 §1; S-3, C-10): each one as the opportunities and tasks routes show it (``routes.opportunities.readable``,
``routes.tasks.readable``), so a hidden total, stage or title is no more in the preview than in ``GET
/opportunities/{id}``; a role that may not read a module at all is shown none of its records, nor their count."""
from conftest import add_member, ok

MODULES = {module: {"read": True, "write": True, "delete": False, "export": False}
           for module in ("contacts", "accounts", "opportunities", "tasks")}
LINES = [{"quantity": "2", "unit_price": "21.99"}]


def _scene(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Aperçu inc.", "list_ids": [org["shared"]]}), 201)
    contact = ok(admin.post(f"/accounts/{account['id']}/contacts", json={"last_name": "Aperçu"}), 201)
    stage = next(s for s in ok(admin.get("/stages")) if s["probability"] == 40)["id"]
    opportunity = ok(admin.post("/opportunities", json={
        "title": "Plancher", "account_id": account["id"], "contact_id": contact["id"], "stage_id": stage,
        "lines": LINES}), 201)
    task = ok(admin.post("/tasks", json={"type": "call", "title": "Rappeler", "contact_id": contact["id"],
                                         "description": "Confidentiel"}), 201)
    return account, contact, opportunity, task


def _member(org, modules=MODULES, fields=None):
    member = add_member(org, flags={"all_contacts": True})
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={"modules": modules,
                                                                            "fields": fields or {}}))
    return member["client"]


def test_the_preview_leaves_out_the_opportunity_and_task_fields_the_role_may_not_read(org):
    account, contact, opportunity, task = _scene(org)
    client = _member(org, fields={"opportunities.total": {"read": False, "write": False},
                                  "opportunities.stage_id": {"read": False, "write": False},
                                  "tasks.title": {"read": False, "write": False}})
    shown = ok(client.get(f"/opportunities/{opportunity['id']}"))
    assert "total" not in shown and "probability" not in shown and shown["title"] == "Plancher"
    for path in (f"/contacts/{contact['id']}/delete-preview", f"/accounts/{account['id']}/delete-preview"):
        preview = ok(client.get(path))
        [seen] = preview["opportunities"]
        assert seen["id"] == opportunity["id"] and seen["title"] == "Plancher"
        assert "total" not in seen and "probability" not in seen, seen
        [seen_task] = preview["tasks"]
        assert seen_task["id"] == task["id"] and seen_task["type"] == "call" and "title" not in seen_task, seen_task
        assert "Rappeler" not in str(preview) and "43.98" not in str(preview)
    # the administrator sees them whole
    preview = ok(org["admin"].get(f"/contacts/{contact['id']}/delete-preview"))
    assert (preview["opportunities"][0]["total"], preview["opportunities"][0]["probability"]) == ("43.98", 40)
    assert preview["tasks"][0]["title"] == "Rappeler"


def test_a_role_that_may_not_read_a_module_is_shown_none_of_its_records_in_the_preview(org):
    account, contact, opportunity, task = _scene(org)
    client = _member(org, modules={**MODULES, "opportunities": {"read": False, "write": False, "delete": False,
                                                                "export": False}})
    preview = ok(client.get(f"/contacts/{contact['id']}/delete-preview"))
    assert "opportunities" not in preview and "opportunities_total" not in preview, preview
    assert opportunity["id"] not in str(preview)
    assert [t["id"] for t in preview["tasks"]] == [task["id"]] and preview["tasks_total"] == 1
