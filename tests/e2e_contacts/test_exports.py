"""Exports to .xlsx (C-18) and their jobs (N-4) through the gateway, on a stack of this module's own with
``EXPORT_SYNC_MAX_ROWS=3`` so that a job starts above three rows."""
import io

import openpyxl
import pytest
from conftest import Client, assert_problem, finished_job, login, ok, sign_up, start_stack, unique

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS = ["=1+2", "+1 514", "-3", "@SUM(A1)", "\t=x", "\r=x"]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    """Overrides the session stack for this module's tests (and the ``org``/``member`` fixtures)."""
    log_path = tmp_path_factory.mktemp("logs") / "stack.log"
    with start_stack(log_path, EXPORT_SYNC_MAX_ROWS="3") as running:
        yield running.url


def _role_member(base_url, org, *, export=True, fields=None):
    """A non-admin user whose role may read/write contacts and accounts (and export them if ``export``)."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    modules = {m: {"read": True, "write": True, "delete": False, "export": export} for m in ("contacts", "accounts")}
    ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": modules, "fields": fields or {}}))
    username = unique("user")
    user = ok(admin.post("/users", json={"username": username, "password": "correct-horse-battery",
                                         "full_name": "Membre", "email": f"{username}@example.com",
                                         "role_id": role["id"]}), 201)
    client = Client(base_url, token=login(base_url, username))
    ok(client.put("/me/selected-lists", json={"list_ids": [org["shared"]]}))
    return client, user


def _sheet(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == MIME
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response.headers["Cache-Control"]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def _rows(sheet):
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _no_formula(sheet):
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_export_holds_visible_contacts_with_account_columns_and_no_formula(org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "=HYPERLINK(\"http://x\")", "city": "@Laval",
                                               "list_ids": [org["shared"]]}), 201)
    made = [ok(admin.post("/contacts", json={"last_name": value, "title": value, "account_id": account["id"],
                                             "list_ids": [org["shared"]]}), 201) for value in DANGEROUS[:3]]
    sheet = _sheet(admin.get("/contacts/export.xlsx"))
    header, rows = _rows(sheet)
    assert header[0] == "ID" and {"Account ID", "Account name", "Account city"} <= set(header)
    assert sorted(r["ID"] for r in rows) == sorted(c["id"] for c in made)
    assert {r["Last name"] for r in rows} == set(DANGEROUS[:3])
    assert {r["Account name"] for r in rows} == {account["name"]} and {r["Account city"] for r in rows} == {"@Laval"}
    _no_formula(sheet)
    accounts_sheet = _sheet(admin.get("/accounts/export.xlsx", params={"q": "c:laval"}))
    assert [r["ID"] for r in _rows(accounts_sheet)[1]] == [account["id"]]
    _no_formula(accounts_sheet)


@pytest.mark.parametrize("value", DANGEROUS)
def test_every_dangerous_prefix_is_neutralised(org, value):
    admin = org["admin"]
    """Text fields are trimmed on input, so a leading tab or CR arrives as the ``=`` after it (still guarded);
    tab and CR kept in stored values are covered by the service's tests."""
    made = ok(admin.post("/contacts", json={"last_name": "Prefixe", "title": value, "list_ids": [org["shared"]]}),
              201)
    sheet = _sheet(admin.get("/contacts/export.xlsx", params={"q": "prefixe"}))
    header, _ = _rows(sheet)
    cell = list(sheet.iter_rows())[1][header.index("Title")]
    assert cell.value == made["title"] == value.strip() and cell.data_type == "s" and cell.quotePrefix
    _no_formula(sheet)


def test_export_follows_search_sort_and_language(org):
    admin = org["admin"]
    for name in ("Bélanger", "Archambault", "Côté"):
        ok(admin.post("/contacts", json={"last_name": name, "city": "Québec", "list_ids": [org["shared"]]}), 201)
    sheet = _sheet(admin.get("/contacts/export.xlsx", params={"q": "c:quebec", "sort": "-last_name"},
                             headers={"Accept-Language": "fr"}))
    header, rows = _rows(sheet)
    assert header[:3] == ["ID", "Prénom", "Nom"]
    assert [r["Nom"] for r in rows] == ["Côté", "Bélanger", "Archambault"]
    criteria = '{"op": "and", "items": [{"field": "last_name", "cmp": "starts_with", "value": "b"}]}'
    _, rows = _rows(_sheet(admin.get("/contacts/export.xlsx", params={"criteria": criteria})))
    assert [r["Last name"] for r in rows] == ["Bélanger"]


def test_member_sees_fewer_rows_and_no_hidden_column(base_url, org):
    admin = org["admin"]
    client, user = _role_member(base_url, org, fields={"contacts.email": {"read": False, "write": False},
                                                       "accounts.city": {"read": False, "write": False}})
    mine = ok(admin.post("/contacts", json={"last_name": "Mien", "email": "m@example.com", "rep1_id": user["id"],
                                            "list_ids": [org["shared"]]}), 201)
    ok(admin.post("/contacts", json={"last_name": "Autre", "email": "a@example.com", "list_ids": [org["shared"]]}),
       201)
    admin_header, admin_rows = _rows(_sheet(admin.get("/contacts/export.xlsx")))
    header, rows = _rows(_sheet(client.get("/contacts/export.xlsx")))
    assert len(admin_rows) == 2 and "Email" in admin_header and "Account city" in admin_header
    assert [r["ID"] for r in rows] == [mine["id"]]
    assert "Email" not in header and "Account city" not in header and "Last name" in header


def test_export_needs_the_export_permission(base_url, org):
    client, _ = _role_member(base_url, org, export=False)
    for path in ("/contacts/export.xlsx", "/accounts/export.xlsx"):
        assert_problem(client.get(path), 403, code="missing_permission")


def test_bad_query_is_a_422(org):
    assert_problem(org["admin"].get("/contacts/export.xlsx", params={"q": "x" * 501}), 422, fields=["q"])
    assert_problem(org["admin"].get("/contacts/export.xlsx", params={"page": "2"}), 422, fields=["page"])
    assert_problem(org["admin"].get("/contacts/export.xlsx", params={"criteria": "{"}), 422)


def test_large_export_is_a_job_only_its_owner_can_read(base_url, org):
    admin = org["admin"]
    made = [ok(admin.post("/contacts", json={"last_name": f"Job{i}", "phone": "+1 514 555 000" + str(i),
                                             "list_ids": [org["shared"]]}), 201) for i in range(5)]
    response = admin.get("/contacts/export.xlsx")
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    assert response.headers["Location"] == f"/api/v1/jobs/{job_id}" == response.json()["status_url"]
    job = finished_job(admin, job_id)
    assert job["status"] == "done" and job["progress"] == 100 and job["errors"] == []
    assert job["download_url"] == f"/api/v1/jobs/{job_id}/download"
    download = admin.get(f"/jobs/{job_id}/download")
    sheet = _sheet(download)
    assert int(download.headers["Content-Length"]) == len(download.content)
    _, rows = _rows(sheet)
    assert sorted(r["ID"] for r in rows) == sorted(c["id"] for c in made)
    _no_formula(sheet)
    colleague, _ = _role_member(base_url, org)
    stranger, _ = sign_up(base_url)
    for other in (colleague, stranger):
        assert_problem(other.get(f"/jobs/{job_id}"), 404)
        assert_problem(other.get(f"/jobs/{job_id}/download"), 404)
    assert_problem(admin.get("/jobs/not-a-job"), 404)
