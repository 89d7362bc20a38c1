"""Imports of contacts and accounts from .xlsx (C-19, N-1, N-4) through the gateway, on the suite's session stack:
upload with a proposed mapping, dry run, import job, update mode on a key, revert, refusal of bad files, and who
may see or run an import. Workbooks are built here with openpyxl."""
import io
import zipfile

import openpyxl
import pytest
from conftest import Client, assert_problem, finished_job, login, ok, sign_up, unique
from support.http import create_user
from support.orgs import add_member

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows, *, last_cell=None):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if last_cell:
        sheet[last_cell] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, content, record_type="contact", name="import.xlsx"):
    return client.post("/imports", files={"file": (name, content, MIME)}, data={"record_type": record_type})


def _job(client, response):
    started = ok(response, 202)
    job = finished_job(client, started["job_id"])
    assert job["status"] == "done", job
    return job


def _custom(admin, module, key, kind, fr, en):
    ok(admin.post(f"/custom-fields/{module}", json={"key": key, "type": kind, "label_fr": fr, "label_en": en}), 201)


def test_import_maps_french_headers_dry_runs_imports_and_reverts(org):
    admin = org["admin"]
    admin.language = "fr"
    _custom(admin, "contacts", "birthday", "date", "Anniversaire", "Birthday")
    existing = ok(admin.post("/contacts", json={"last_name": "Déjà", "email": "deja@example.com",
                                                 "list_ids": [org["shared"]]}), 201)
    content = _xlsx([
        ["Prénom", "Nom", "Courriel", "Anniversaire"],
        ["Émile", "Nelligan", "emile@example.com", "19790812"],          # 2: good, YYYYMMDD
        ["Bad", "Email", "not-an-email", None],                          # 3: bad email
        ["Amb", "Igu", "amb@example.com", "03/04/2026"],                  # 4: ambiguous date
        [None, "Deja", "DEJA@example.com", None],                         # 5: probable duplicate (skipped)
        ["Form", "=CONCAT(\"a\",\"b\")", "form@example.com", None],       # 6: formula without a cached value
        ["Anne", "Hébert", "anne@example.com", "25/12/1916"],             # 7: good, unambiguous D/M/Y
        ["Anne", "Hébert bis", "Anne@Example.com", None],                 # 8: the same email as row 7 (skipped)
    ])
    upload = ok(_upload(admin, content), 201)
    proposal = {c["column"]: c["proposed"] for c in upload["columns"]}
    assert proposal == {"A": "first_name", "B": "last_name", "C": "email", "D": "custom.birthday"}
    assert upload["rows"] == 7 and upload["problems"] == []
    options = {"mapping": proposal, "list_ids": [org["shared"]]}

    dry = _job(admin, admin.post(f"/imports/{upload['id']}/dry-run", json=options))
    assert dry["counts"] == {"processed": 7, "total": 7, "created": 2, "updated": 0, "skipped": 2, "failed": 3,
                             "duplicates": 2}
    errors = {(e["row"], e["field"]): e for e in dry["row_errors"]}
    assert set(errors) == {(3, "email"), (4, "custom.birthday"), (6, "last_name")}
    assert "ambiguë" in errors[(4, "custom.birthday")]["message"]
    assert "formule" in errors[(6, "last_name")]["message"]
    assert dry["duplicates"] == [{"row": 5, "record_ids": [existing["id"]]},
                                 {"row": 8, "record_ids": [], "same_as_row": 7}]
    assert ok(admin.get("/contacts", params={"q": "nelligan"}))["total"] == 0   # a dry run writes nothing

    done = _job(admin, admin.post(f"/imports/{upload['id']}/run", json=options))
    assert done["counts"]["created"] == 2 and done["counts"]["failed"] == 3 and done["counts"]["skipped"] == 2
    errors_file = admin.get(done["download_url"].removeprefix("/api/v1"))
    assert errors_file.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(errors_file.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Ligne", "Champ", "Raison"] and sorted(r[0] for r in rows[1:]) == [3, 4, 6]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    emile = ok(admin.get("/contacts", params={"q": "nelligan"}))["items"][0]
    assert emile["custom"]["birthday"] == "1979-08-12"
    anne = ok(admin.get("/contacts", params={"q": "hebert"}))["items"][0]
    assert anne["custom"]["birthday"] == "1916-12-25"
    assert_problem(admin.post(f"/imports/{upload['id']}/run", json=options), 409, code="import_already_run")

    reverted = _job(admin, admin.post(f"/imports/{upload['id']}/revert"))
    assert reverted["counts"]["trashed"] == 2
    assert admin.get(f"/contacts/{emile['id']}").status_code == 404
    assert admin.get(f"/contacts/{existing['id']}").status_code == 200
    assert ok(admin.get(f"/imports/{upload['id']}"))["state"] == "reverted"


def test_update_mode_on_a_customer_number_and_revert_keeps_what_changed_since(org):
    admin = org["admin"]
    _custom(admin, "contacts", "customer_no", "text", "Numéro client", "Customer number")
    made = {}
    for number, name in (("C1", "Un"), ("C2", "Deux"), ("C3", "Trois"), ("C3", "TroisBis")):
        made[name] = ok(admin.post("/contacts", json={"last_name": name, "title": "Avant", "list_ids": [org["shared"]],
                                                      "custom": {"customer_no": number}}), 201)
    content = _xlsx([["Customer number", "Title", "Last name"], ["C1", "Après"], ["C2", "Après"], ["C3", "Après"],
                     ["C9", "Nouveau", "Neuf"], ["C8", "Sans nom"]])
    upload = ok(_upload(admin, content), 201)
    options = {"mapping": {"A": "custom.customer_no", "B": "title", "C": "last_name"}, "list_ids": [org["shared"]],
               "mode": "update", "key": "custom.customer_no"}
    done = _job(admin, admin.post(f"/imports/{upload['id']}/run", json=options))
    assert (done["counts"]["updated"], done["counts"]["created"], done["counts"]["failed"]) == (2, 1, 2)
    # a key on several records, and a new contact without a name: the API's own rule (ContactCreate)
    assert [(e["row"], e["code"]) for e in done["row_errors"]] == [(4, "import_key_ambiguous"),
                                                                    (6, "contact_name_required")]
    assert ok(admin.get(f"/contacts/{made['Un']['id']}"))["title"] == "Après"
    two = ok(admin.get(f"/contacts/{made['Deux']['id']}"))
    ok(admin.patch(f"/contacts/{two['id']}", json={"title": "Changé", "version": two["version"]}))

    reverted = _job(admin, admin.post(f"/imports/{upload['id']}/revert"))
    assert (reverted["counts"]["restored"], reverted["counts"]["conflicts"], reverted["counts"]["trashed"]) == (1, 1, 1)
    assert ok(admin.get(f"/contacts/{made['Un']['id']}"))["title"] == "Avant"
    assert ok(admin.get(f"/contacts/{made['Deux']['id']}"))["title"] == "Changé"   # reported, not overwritten
    assert ok(admin.get(f"/contacts/{made['Trois']['id']}"))["title"] == "Avant"
    history = ok(admin.get(f"/contacts/{made['Un']['id']}/history"))
    assert [h["new"] for h in history if h["field"] == "title"][:2] in (["Avant", "Après"], ["Après", "Avant"])


def test_accounts_import_skips_a_probable_duplicate(org):
    admin = org["admin"]
    acme = ok(admin.post("/accounts", json={"name": "Acme  Inc", "city": "Laval", "phone": "514-222-3333",
                                            "list_ids": [org["shared"]]}), 201)
    upload = ok(_upload(admin, _xlsx([["Compagnie", "Ville", "Téléphone"], ["ACME inc.", "Laval", "(514) 222-3333"],
                                      ["Nouvelle", "Québec", None]]), record_type="account"), 201)
    mapping = {"A": "name", "B": "city", "C": "phone"}
    assert {c["column"]: c["proposed"] for c in upload["columns"]} == mapping
    done = _job(admin, admin.post(f"/imports/{upload['id']}/run", json={"mapping": mapping,
                                                                         "list_ids": [org["shared"]]}))
    assert (done["counts"]["created"], done["counts"]["skipped"], done["counts"]["duplicates"]) == (1, 1, 1)
    assert done["duplicates"] == [{"row": 2, "record_ids": [acme["id"]]}]


def _cfb(stream_name=None):
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    name = (stream_name or "Workbook").encode("utf-16-le")
    return head + name + b"\0" * 1024


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD = _xlsx([["Email"], ["a@example.com"]])
BAD_FILES = {
    "xls": (_cfb("Workbook"), 415, "import_xls"),
    "password": (_cfb("EncryptedPackage"), 422, "import_password_protected"),
    "csv": (b"first_name,last_name\nA,B\n", 415, "import_not_xlsx"),
    "numbers": (_zip({"Index/Document.iwa": b"x", "Metadata/Properties.plist": b"y"}), 415, "import_not_xlsx"),
    "truncated": (GOOD[: len(GOOD) // 2], 422, "import_corrupt"),
    "corrupt": (GOOD.replace(b"xl/workbook.xml", b"xl/workbook.xmm", 1), 422, "import_corrupt"),
    "bomb": (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>", "xl/worksheets/sheet1.xml":
                   b"\0" * (4 * 1024 * 1024)}), 422, "import_archive_ratio"),
    "rows": (_xlsx([["Email"], ["a@example.com"]], last_cell="A1048576"), 422, "import_too_many_rows"),
    "no header": (_xlsx([[None, None], ["a@example.com", "x"]]), 422, "import_no_header"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_are_refused_with_a_clear_problem_and_nothing_kept(org, case):
    content, status, code = BAD_FILES[case]
    org["admin"].language = "en"
    body = assert_problem(_upload(org["admin"], content), status, code=code, fields=["file"])
    assert "Traceback" not in body["detail"] and body["detail"] != code


def test_header_problems_are_reported_and_the_duplicate_is_not_proposed(org):
    admin = org["admin"]
    admin.language = "en"
    upload = ok(_upload(admin, _xlsx([["Email", None, "E-mail", "Nom"], ["a@example.com", "x", "b@example.com",
                                                                           "A"]])), 201)
    assert [(p["code"], p["column"]) for p in upload["problems"]] == [("import_header_empty", "B"),
                                                                       ("import_header_duplicate", "C")]
    assert "Column C has the same name as column A" in upload["problems"][1]["message"]
    assert {c["column"]: c["proposed"] for c in upload["columns"]} == {"A": "email", "C": None, "D": "last_name"}
    assert_problem(admin.post(f"/imports/{upload['id']}/dry-run", json={
        "mapping": {"A": "email", "C": "email"}, "list_ids": [org["shared"]]}), 422, fields=["mapping.C"])


def test_only_the_uploader_sees_an_import_and_field_permissions_apply(org, base_url):
    admin = org["admin"]
    upload = ok(_upload(admin, _xlsx([["Email", "Title"], ["a@example.com", "T"]])), 201)
    other_admin, _ = sign_up(base_url)
    assert_problem(other_admin.get(f"/imports/{upload['id']}"), 404)
    assert_problem(other_admin.post(f"/imports/{upload['id']}/revert"), 404)
    colleague = add_member(org)["client"]
    assert_problem(colleague.get(f"/imports/{upload['id']}"), 404)
    assert_problem(colleague.post(f"/imports/{upload['id']}/run", json={
        "mapping": {"A": "email"}, "list_ids": [org["shared"]]}), 404)

    reader = add_member(org, modules={m: {"read": True, "write": False, "delete": False, "export": False}
                                      for m in ("contacts", "accounts")})["client"]
    assert_problem(_upload(reader, GOOD), 403, code="missing_permission")

    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    ok(admin.put(f"/roles/{role['id']}/permissions", json={
        "modules": {m: {"read": True, "write": True, "delete": False, "export": False}
                    for m in ("contacts", "accounts")},
        "fields": {"contacts.title": {"read": True, "write": False}}}))
    user = create_user(admin, full_name="Limitée", role_id=role["id"])
    limited = Client(base_url, token=login(base_url, user["username"]))
    ok(limited.put("/me/selected-lists", json={"list_ids": [org["shared"]]}))
    mine = ok(_upload(limited, _xlsx([["Email", "Title"], ["a@example.com", "T"]])), 201)
    assert "title" not in mine["fields_available"]
    assert_problem(limited.post(f"/imports/{mine['id']}/run", json={
        "mapping": {"A": "email", "B": "title"}, "list_ids": [org["shared"]]}), 403, code="field_not_writable")


def test_the_upload_is_multipart_as_the_document_says(org, base_url):
    admin = org["admin"]
    assert_problem(admin.post("/imports", json={"record_type": "contact"}), 415, code="import_not_multipart")
    assert_problem(admin.post("/imports", files={"other": ("a.xlsx", GOOD, MIME)}, data={"record_type": "contact"}),
                   422, code="import_file_missing", fields=["file"])
    assert_problem(admin.post("/imports", files={"file": ("a.xlsx", GOOD, MIME)}, data={"record_type": "task"}),
                   422, fields=["record_type"])
    operation = ok(Client(base_url).send("GET", "/api/openapi.json"))["paths"]["/api/v1/imports"]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file", "record_type"]
    assert {"201", "403", "413", "415", "422"} <= set(operation["responses"])
