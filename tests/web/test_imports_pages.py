"""The import wizard's pages (C-19): upload, mapping with the API's proposal, dry run report, import, revert, in
French and English, each step the same user's ``/api/v1`` operation; another user's or organization's import is the
404 page; a bad file is the API's refusal on the upload form."""
import io

import openpyxl
from conftest import ok, web_login
from support.http import sign_up

from carnet_testing import eventually

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, content, record_type="contact"):
    return client.post("/app/imports", {"record_type": record_type}, files={"file": ("clients.xlsx", content, MIME)})


def _finished(client, path):
    return eventually(lambda: client.get(path), lambda page: page.css("#job-progress [data-status=done]")
                      or page.css("#job-progress [data-status=failed]"), timeout=60, interval=0.2,
                      what=f"{path} finished")


def test_upload_map_dry_run_import_and_revert_in_french(base_url, org):
    admin = org["admin"]
    client = web_login(base_url, org["user"]["username"], language="fr")
    page = client.get("/app/imports")
    assert page.status == 200 and page.one("h1").text_content().strip() == "Importer des contacts ou des comptes"
    assert page.one("form.imports-upload").get("enctype") == "multipart/form-data"
    content = _xlsx([["Prénom", "Nom", "Courriel", "Colonne X"], ["Gabrielle", "Roy", "gabrielle@example.com", "x"],
                     ["Sans", "Courriel", "pas-un-courriel", "y"]])
    done = _upload(client, content)
    assert done.status == 303, done.text[:500]
    mapping = client.follow(done)
    import_id = done.location.rstrip("/").rsplit("/", 1)[-1]
    api_import = ok(admin.get(f"/imports/{import_id}"))
    selected = {s.get("name"): s.xpath("option[@selected]/@value") for s in mapping.css("form.imports-mapping select")
                if s.get("name", "").startswith("map.")}
    assert selected == {f"map.{c['column']}": [c["proposed"] or ""] for c in api_import["columns"]}
    assert selected["map.D"] == [""]

    form = {"map.A": "first_name", "map.B": "last_name", "map.C": "email", "map.D": "", "list_ids": org["shared"],
            "mode": "create", "action": "dry_run"}
    started = client.post(f"/app/imports/{import_id}/start", form)
    assert started.status == 303
    report = _finished(client, started.location[len(base_url):] if started.location.startswith("http")
                       else started.location)
    assert report.one("h1").text_content().strip() == "Essai de l'importation"
    assert report.one("[data-count=created]").text_content().strip() == "1"
    assert report.one("[data-count=failed]").text_content().strip() == "1"
    assert [r.text_content().strip() for r in report.css("table.imports-errors tbody td:first-child")] == ["3"]
    assert "Adresse courriel invalide" in report.one("table.imports-errors tbody").text_content()
    # The field by its label in the page's language, not its key
    assert report.one("table.imports-errors tbody td:nth-child(2)").text_content().strip() == "Courriel"
    assert ok(admin.get("/contacts", params={"q": "gabrielle"}))["total"] == 0

    started = client.post(f"/app/imports/{import_id}/start", {**form, "action": "run"})
    result = _finished(client, started.location[len(base_url):] if started.location.startswith("http")
                       else started.location)
    assert result.one("[data-count=created]").text_content().strip() == "1"
    assert ok(admin.get("/contacts", params={"q": "gabrielle"}))["total"] == 1
    back = client.get(f"/app/imports/{import_id}")
    assert not back.css("form.imports-mapping") and back.css("button.danger")
    reverted = client.post(f"/app/imports/{import_id}/revert")
    assert reverted.status == 303
    _finished(client, reverted.location[len(base_url):] if reverted.location.startswith("http")
              else reverted.location)
    assert ok(admin.get("/contacts", params={"q": "gabrielle"}))["total"] == 0


def test_a_bad_file_is_refused_on_the_form_in_english(base_url, org):
    client = web_login(base_url, org["user"]["username"], language="en")
    page = _upload(client, b"first_name,last_name\nA,B\n")
    assert page.status == 415
    assert "This is not an Excel workbook (.xlsx)" in page.one(".error-summary").text_content()
    assert page.one("#f-file").get("aria-invalid") == "true"


def test_another_organization_gets_the_404_page(base_url, org):
    client = web_login(base_url, org["user"]["username"])
    done = _upload(client, _xlsx([["Email"], ["a@example.com"]]))
    import_id = done.location.rstrip("/").rsplit("/", 1)[-1]
    _, other = sign_up(base_url)
    stranger = web_login(base_url, other["user"]["username"])
    assert stranger.get(f"/app/imports/{import_id}").status == 404
    assert stranger.post(f"/app/imports/{import_id}/revert").status == 404
