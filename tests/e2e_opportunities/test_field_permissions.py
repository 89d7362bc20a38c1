"""Field permissions (S-3) on the standard fields of opportunities and tasks, and the names of contacts the caller
cannot see (C-2), through the gateway with a second user whose role hides fields (issue 10 §1): a hidden field is
absent from lists, reads, the board, exports and the dashboard's figures built from it; writing it is a 403 naming
it; a filter over it is a 403 naming it. An opportunity naming a contact its reader does not see shows no name."""
import io

import openpyxl
from conftest import add_member, assert_problem, ok

MODULES = {module: {"read": True, "write": True, "delete": False, "export": module == "opportunities"}
           for module in ("contacts", "accounts", "opportunities", "tasks", "dashboard")}
LINES = [{"quantity": "2", "unit_price": "21.99"}]


def _limited(org, fields, **flags):
    """A second user of ``org``: a role reading and writing the CRM modules (exporting opportunities) with
    ``fields`` narrowed, seeing every contact of the shared list unless ``flags`` say otherwise."""
    member = add_member(org, flags=flags or {"all_contacts": True})
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={"modules": MODULES, "fields": fields}))
    return member["client"]


def _account(org, **extra):
    return ok(org["admin"].post("/accounts", json={"name": "Bois Tremblay", "list_ids": [org["shared"]], **extra}),
              201)


def _stages(client):
    return {stage["probability"]: stage["id"] for stage in ok(client.get("/stages"))}


def _opportunity(org, account, **extra):
    admin = org["admin"]
    return ok(admin.post("/opportunities", json={"title": "Plancher", "account_id": account["id"],
                                                 "stage_id": _stages(admin)[40], "close_date": "2026-06-30",
                                                 "lines": LINES, **extra}), 201)


def _export(client, **params):
    """The sheet's header, then its rows as ``{ID: {header: value}}``."""
    response = client.get("/opportunities/export.xlsx", params=params)
    assert response.status_code == 200, response.text
    rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.rows]
    return rows[0], {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


# Opportunities ------------------------------------------------------------------------------------------------

def test_a_hidden_total_is_left_out_of_lists_reads_exports_and_the_dashboards_amounts(org):
    admin = org["admin"]
    account = _account(org)
    created = _opportunity(org, account)
    client = _limited(org, {"opportunities.total": {"read": False, "write": False}})

    listed = ok(client.get("/opportunities", params={"account_id": account["id"]}))["items"]
    assert [item["id"] for item in listed] == [created["id"]]
    for shown in (listed[0], ok(client.get(f"/opportunities/{created['id']}"))):
        assert "total" not in shown and "lines" not in shown, f"the lines add up to the total: {shown}"
        assert (shown["title"], shown["probability"]) == ("Plancher", 40)
    assert ok(admin.get(f"/opportunities/{created['id']}"))["total"] == "43.98"

    header, rows = _export(client, account_id=account["id"])
    assert "Total before taxes" not in header and rows[created["id"]]["Title"] == "Plancher"
    assert _export(admin, account_id=account["id"])[1][created["id"]]["Total before taxes"] == 43.98

    dashboard = ok(client.get("/dashboard"))
    row = next(row for row in dashboard["pipeline"] if row["probability"] == 40)
    assert row["count"] == 1 and "total" not in row and "weighted_total" not in row
    assert all("total" not in figures for figures in dashboard["transactions"].values())
    assert next(row for row in ok(admin.get("/dashboard"))["pipeline"] if row["probability"] == 40)["total"] == \
        "43.98"

    assert_problem(client.patch(f"/opportunities/{created['id']}", json={"lines": []}), 403,
                   code="field_not_writable", fields=["lines"])
    renamed = ok(client.patch(f"/opportunities/{created['id']}", json={"title": "Plancher d'érable"}))
    assert renamed["title"] == "Plancher d'érable" and "total" not in renamed
    assert ok(admin.get(f"/opportunities/{created['id']}"))["total"] == "43.98"


def test_a_hidden_stage_or_title_cannot_be_filtered_on_nor_read_through_its_probability(org):
    account = _account(org)
    created = _opportunity(org, account)
    stage_id = _stages(org["admin"])[40]
    client = _limited(org, {"opportunities.stage_id": {"read": False}, "opportunities.title": {"read": False}})

    shown = ok(client.get(f"/opportunities/{created['id']}"))
    assert not {"stage_id", "probability", "substage_id", "title"} & set(shown), shown
    assert shown["account_name"] == "Bois Tremblay"
    listed = ok(client.get("/opportunities", params={"account_id": account["id"]}))["items"]
    assert [item["id"] for item in listed] == [created["id"]] and "probability" not in listed[0]
    body = assert_problem(client.get("/opportunities", params={"stage": stage_id}), 403, code="field_not_readable",
                          fields=["stage"])
    assert "stage_id" in body["detail"]
    assert_problem(client.get("/opportunities", params={"q": "Planch"}), 403, code="field_not_readable",
                   fields=["q"])
    assert_problem(client.get("/opportunities/export.xlsx", params={"stage": stage_id}), 403,
                   code="field_not_readable", fields=["stage"])
    header, _ = _export(client, account_id=account["id"])
    assert not {"Title", "Stage", "Probability (%)"} & set(header) and "Total before taxes" in header

    dashboard = ok(client.get("/dashboard"))
    assert "pipeline" not in dashboard and "transactions" not in dashboard, "both are counted by stage"
    assert_problem(client.post("/opportunities", json={"title": "Escalier", "account_id": account["id"],
                                                       "stage_id": stage_id}), 403, code="field_not_writable",
                   fields=["title"])


# Tasks ----------------------------------------------------------------------------------------------------------

def _task(org, account, **extra):
    return ok(org["admin"].post("/tasks", json={"type": "call", "title": "Appeler", "account_id": account["id"],
                                                "description": "Budget : 40 000 $",
                                                "due_at": "2026-07-01T09:30:00-04:00", **extra}), 201)


def test_a_hidden_task_description_is_left_out_everywhere_and_cannot_be_written(org):
    account = _account(org)
    task = _task(org, account)
    client = _limited(org, {"tasks.description": {"read": False}})

    listed = ok(client.get("/tasks", params={"account_id": account["id"]}))["items"]
    assert [item["id"] for item in listed] == [task["id"]] and "description" not in listed[0]
    assert listed[0]["title"] == "Appeler"
    assert "description" not in ok(client.get(f"/tasks/{task['id']}"))
    carded = [card for column in ok(client.get("/tasks/board"))["columns"] for card in column["items"]]
    assert [card["id"] for card in carded] == [task["id"]] and "description" not in carded[0]

    assert_problem(client.post("/tasks", json={"type": "todo", "title": "Relancer", "description": "x"}), 403,
                   code="field_not_writable", fields=["description"])
    mine = ok(client.post("/tasks", json={"type": "todo", "title": "Relancer"}), 201)
    assert "description" not in mine
    assert_problem(client.patch(f"/tasks/{task['id']}", json={"description": "x"}), 403,
                   code="field_not_writable", fields=["description"])
    moved = ok(client.patch(f"/tasks/{task['id']}", json={"status": "done"}))
    assert moved["status"] == "done" and "description" not in moved
    assert ok(org["admin"].get(f"/tasks/{task['id']}"))["description"] == "Budget : 40 000 $"


def test_a_read_only_task_field_shows_but_is_not_written(org):
    task = _task(org, _account(org))
    client = _limited(org, {"tasks.description": {"read": True, "write": False}})
    assert ok(client.get(f"/tasks/{task['id']}"))["description"] == "Budget : 40 000 $"
    assert_problem(client.patch(f"/tasks/{task['id']}", json={"title": "Rappeler", "description": "x"}), 403,
                   code="field_not_writable", fields=["description"])
    assert ok(client.patch(f"/tasks/{task['id']}", json={"title": "Rappeler"}))["title"] == "Rappeler"


def test_task_filters_the_board_and_activities_over_hidden_fields_are_refused_or_left_out(org):
    account = _account(org)
    task = _task(org, account)
    client = _limited(org, {"tasks.due_at": {"read": False}, "tasks.status": {"read": False},
                            "tasks.type": {"read": False}})
    listed = ok(client.get("/tasks", params={"account_id": account["id"]}))["items"]
    assert [item["id"] for item in listed] == [task["id"]]
    assert not {"due_at", "status", "type"} & set(listed[0]), listed[0]
    assert_problem(client.get("/tasks", params={"due_before": "2026-08-01T00:00:00Z"}), 403,
                   code="field_not_readable", fields=["due_before"])
    assert_problem(client.get("/tasks", params={"status": "todo"}), 403, code="field_not_readable",
                   fields=["status"])
    assert_problem(client.get("/tasks", params={"type": "call"}), 403, code="field_not_readable", fields=["type"])
    assert_problem(client.get("/tasks/board"), 403, code="field_not_readable", fields=["status"])
    dashboard = ok(client.get("/dashboard"))
    assert "activities" not in dashboard, "tasks counted by type"
    assert "pipeline" in dashboard
    assert ok(org["admin"].get("/dashboard"))["activities"]["call"] == 1


# Names of contacts the caller cannot see (C-2) ---------------------------------------------------------------------

def test_an_opportunity_shows_no_name_for_a_contact_its_reader_cannot_see(org):
    admin = org["admin"]
    account = _account(org)
    hidden = ok(admin.post("/contacts", json={"first_name": "Luc", "last_name": "Émond", "account_id": account["id"],
                                              "list_ids": [org["closed"]]}), 201)
    seen = ok(admin.post("/contacts", json={"first_name": "Anne", "last_name": "Roy", "account_id": account["id"],
                                            "list_ids": [org["shared"]]}), 201)
    on_hidden = _opportunity(org, account, contact_id=hidden["id"])
    on_seen = _opportunity(org, account, contact_id=seen["id"])
    client = _limited(org, {})
    assert_problem(client.get(f"/contacts/{hidden['id']}"), 404)   # in a list the member does not have

    listed = {item["id"]: item for item in ok(client.get("/opportunities", params={"account_id": account["id"]}))[
        "items"]}
    assert (listed[on_hidden["id"]]["contact_id"], listed[on_hidden["id"]]["contact_name"]) == (hidden["id"], None)
    assert listed[on_seen["id"]]["contact_name"] == "Anne Roy"
    assert ok(client.get(f"/opportunities/{on_hidden['id']}"))["contact_name"] is None
    on_contact = ok(client.get("/opportunities", params={"contact_id": hidden["id"]}))["items"]
    assert [(item["id"], item["contact_name"]) for item in on_contact] == [(on_hidden["id"], None)], \
        "those naming it, not those of its account: where an unseen contact works is not told"
    assert {item["id"] for item in ok(client.get("/opportunities", params={"contact_id": seen["id"]}))["items"]} == \
        {on_hidden["id"], on_seen["id"]}, "a contact seen shows its account's opportunities too (O-1)"
    _, rows = _export(client, account_id=account["id"])
    assert rows[on_hidden["id"]]["Contact"] is None and rows[on_seen["id"]]["Contact"] == "Anne Roy"
    assert rows[on_hidden["id"]]["Account"] == "Bois Tremblay", "the account is visible: the opportunity is (O-1)"
    assert ok(admin.get(f"/opportunities/{on_hidden['id']}"))["contact_name"] == "Luc Émond"
    assert _export(admin, account_id=account["id"])[1][on_hidden["id"]]["Contact"] == "Luc Émond"


def test_a_contact_of_another_rep_shows_no_name_to_a_rep_who_sees_only_their_own(org):
    admin = org["admin"]
    rep = add_member(org, flags={"hierarchy_contacts": False})
    account = _account(org, rep1_id=rep["user"]["id"])
    theirs = ok(admin.post("/contacts", json={"first_name": "Luc", "last_name": "Émond", "account_id": account["id"],
                                              "list_ids": [org["shared"]]}), 201)
    created = _opportunity(org, account, contact_id=theirs["id"])
    client = rep["client"]
    assert_problem(client.get(f"/contacts/{theirs['id']}"), 404)   # rep 1 is the admin (S-4)
    assert ok(client.get(f"/opportunities/{created['id']}"))["contact_name"] is None
    assert ok(client.get("/opportunities"))["items"][0]["contact_name"] is None


def test_names_follow_the_field_permissions_of_the_contact_and_the_account(org):
    account = _account(org)
    seen = ok(org["admin"].post("/contacts", json={"first_name": "Anne", "last_name": "Roy", "email": "anne@roy.test",
                                                   "account_id": account["id"], "list_ids": [org["shared"]]}), 201)
    created = _opportunity(org, account, contact_id=seen["id"])
    client = _limited(org, {"contacts.email": {"read": False}, "accounts.name": {"read": False}})
    shown = ok(client.get(f"/opportunities/{created['id']}"))
    assert "contact_name" not in shown and "account_name" not in shown, shown
    header, _ = _export(client, account_id=account["id"])
    assert "Contact" not in header and "Account" not in header
    assert_problem(client.get("/opportunities", params={"q": "Bois"}), 403, code="field_not_readable", fields=["q"])


# The order of a list tells what it is sorted on --------------------------------------------------------------------

def test_without_the_close_date_opportunities_come_oldest_created_first_not_in_o4_order(org):
    admin = org["admin"]
    account = _account(org)
    created = [_opportunity(org, account, title=title, close_date=close)["id"]
               for title, close in (("Tard", "2026-12-31"), ("Tôt", "2026-01-15"), ("Milieu", "2026-06-30"))]
    by_close_date = [created[1], created[2], created[0]]
    assert [item["id"] for item in ok(admin.get("/opportunities"))["items"]] == by_close_date   # O-4
    client = _limited(org, {"opportunities.close_date": {"read": False}})
    listed = ok(client.get("/opportunities"))["items"]
    assert [item["id"] for item in listed] == created, "O-4's order would tell the hidden close dates"
    assert "close_date" not in listed[0]
    paged = [ok(client.get("/opportunities", params={"page": page, "per_page": 1}))["items"][0]["id"]
             for page in (1, 2, 3)]
    assert paged == created
    assert list(_export(client)[1]) == created
    assert list(_export(admin)[1]) == by_close_date


def test_without_the_due_time_tasks_come_oldest_created_first(org):
    admin = org["admin"]
    account = _account(org)
    late = _task(org, account, due_at="2026-09-01T09:00:00-04:00")
    early = _task(org, account, due_at="2026-02-01T09:00:00-05:00")
    assert [task["id"] for task in ok(admin.get("/tasks"))["items"]] == [early["id"], late["id"]]
    client = _limited(org, {"tasks.due_at": {"read": False}})
    assert [task["id"] for task in ok(client.get("/tasks"))["items"]] == [late["id"], early["id"]]
    todo = next(column for column in ok(client.get("/tasks/board"))["columns"] if column["status"] == "todo")
    assert [task["id"] for task in todo["items"]] == [late["id"], early["id"]]
