"""The data tools in Chromium (issue 12: "A browser journey in each language covers import → merge → undo"): in
French and in English an administrator whose organization holds "Lise Gagnon" uploads an ``.xlsx`` (headers in the
journey's language), accepts the proposed mapping (C-19), runs the dry run and reads the bad row's number and reason
and the probable duplicate of Lise (C-20), imports the file with its duplicate and watches the job finish, scans for
duplicates from the review queue, opens the pair's merge preview, keeps the other record's city, merges, reads the
result, undoes the merge and sees both records back. Each step is checked against ``/api/v1`` (the job, the records,
the preview, the merge), and every page is checked by ``tab.check_page`` (CSP, console, axe WCAG 2.1 AA)."""
import io
import re

import openpyxl
import pytest
from conftest import ApiClient, ok, sign_up, unique
from playwright.sync_api import expect

from carnet_testing import eventually

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UUID = r"[0-9a-f-]{36}"
JOB_URL = re.compile(rf".*/app/imports/{UUID}/jobs/[a-z]+:{UUID}$")
MERGE_URL = re.compile(rf".*/app/merges/{UUID}$")
RECORD_URL = re.compile(rf".*/app/contacts/{UUID}$")
JOB_TIMEOUT = 30_000     # ms: an import job's page refreshes itself every second until the job is done

TEXTS = {
    "fr": {"headers": ["Prénom", "Nom", "Courriel", "Téléphone", "Ville"], "bad_email": "pas-un-courriel",
           "menu": "Menu principal", "nav_import": "Importation", "nav_duplicates": "Doublons",
           "nav_contacts": "Contacts",
           # the import wizard
           "file": "Classeur Excel (.xlsx)", "upload": "Téléverser", "mapping_title": "Colonnes de l'importation",
           "dry_run": "Essai (vérifier sans importer)", "dry_run_title": "Essai de l'importation",
           "reason": "Adresse courriel invalide", "back": "Retour à l'importation",
           "create_duplicates": "Créer les lignes qui doublent probablement", "run": "Importer",
           "run_title": "Importation",
           # the duplicates queue
           "queue_title": "Doublons probables", "scan": "Analyser maintenant",
           "scan_requested": "L'analyse a commencé", "types": "Types de fiches", "type_contacts": "Contacts",
           "merge_link": "Fusionner",
           # the merge
           "preview_title": "Fusionner deux fiches", "city": "Ville", "winner_source": "Fiche conservée",
           "loser_source": "Fiche fusionnée", "merge": "Fusionner", "merged": "Les fiches ont été fusionnées.",
           "result": "{loser} a été fusionnée avec {winner}", "undo": "Annuler la fusion",
           "undone": "La fusion a été annulée.", "open_loser": "Ouvrir la fiche qui avait été fusionnée",
           "open_winner": "Ouvrir la fiche conservée"},
    "en": {"headers": ["First name", "Last name", "Email", "Phone", "City"], "bad_email": "not-an-email",
           "menu": "Main menu", "nav_import": "Import", "nav_duplicates": "Duplicates", "nav_contacts": "Contacts",
           # the import wizard
           "file": "Excel workbook (.xlsx)", "upload": "Upload", "mapping_title": "Columns of the import",
           "dry_run": "Dry run (check without importing)", "dry_run_title": "Dry run of the import",
           "reason": "Not a valid email address", "back": "Back to the import",
           "create_duplicates": "Create rows that probably duplicate a record", "run": "Import",
           "run_title": "Import",
           # the duplicates queue
           "queue_title": "Probable duplicates", "scan": "Scan now", "scan_requested": "The scan has started",
           "types": "Record types", "type_contacts": "Contacts", "merge_link": "Merge",
           # the merge
           "preview_title": "Merge two records", "city": "City", "winner_source": "Kept record",
           "loser_source": "Merged record", "merge": "Merge", "merged": "The records were merged.",
           "result": "{loser} was merged into {winner}", "undo": "Undo the merge",
           "undone": "The merge was undone.", "open_loser": "Open the record merged away",
           "open_winner": "Open the kept record"},
}
PROPOSED = ["first_name", "last_name", "email", "phone", "city"]


def _organization(base_url, language):
    """An organization (its creator is its administrator, in ``language``) holding Lise Gagnon in its list."""
    admin, created = sign_up(base_url, client_class=ApiClient)
    ok(admin.patch(f"/users/{created['user']['id']}", json={"language": language}))
    shared = ok(admin.post("/lists", json={"name": "Clients", "access_all_users": True}), 201)
    email = f"{unique('lise')}@example.com"
    lise = ok(admin.post("/contacts", json={"first_name": "Lise", "last_name": "Gagnon", "email": email,
                                             "city": "Québec", "list_ids": [shared["id"]]}), 201)
    return admin, created["user"], lise


def _workbook(words, email):
    """Row 2 and 5 good, row 3 Lyse Gagnon with Lise's email (a probable duplicate), row 4 a bad email."""
    book = openpyxl.Workbook()
    for row in (words["headers"],
                ["Émile", "Nelligan", "emile@nelligan.example", None, "Montréal"],
                ["Lyse", "Gagnon", email.upper(), "418-555-0101", "Lévis"],
                ["Sans", "Courriel", words["bad_email"], None, None],
                ["Anne", "Hébert", "anne@hebert.example", None, "Sainte-Catherine"]):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _finished_job(tab, admin, title):
    """The job's page once the job is done (it refreshes itself), and the job as ``GET /jobs/{id}`` answers it."""
    page = tab.page
    page.wait_for_url(JOB_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("#job-progress [data-status=done]")).to_be_visible(timeout=JOB_TIMEOUT)
    job = ok(admin.get(f"/jobs/{page.url.rsplit('/', 1)[1]}"))
    assert job["status"] == "done", job
    for name, value in job["counts"].items():
        expect(page.locator(f"#job-progress [data-count={name}]")).to_have_text(str(value))
    return page, job


def _import(tab, admin, words, lise):
    page = tab.page
    page.get_by_role("navigation", name=words["menu"]).get_by_role("link", name=words["nav_import"],
                                                                    exact=True).click()
    expect(page.get_by_label(words["file"])).to_be_visible()
    tab.check_page()
    page.get_by_label(words["file"]).set_input_files(
        files=[{"name": "clients.xlsx", "mimeType": MIME, "buffer": _workbook(words, lise["email"])}])
    page.get_by_role("button", name=words["upload"]).click()

    # The mapping: each column's proposed field, accepted as it is.
    expect(page.get_by_role("heading", level=1)).to_have_text(words["mapping_title"])
    import_id = page.url.rsplit("/", 1)[1]
    stored = ok(admin.get(f"/imports/{import_id}"))
    assert stored["rows"] == 4 and stored["problems"] == []
    assert [c["proposed"] for c in stored["columns"]] == PROPOSED
    for header, field in zip(words["headers"], PROPOSED, strict=True):
        expect(page.get_by_label(header, exact=True)).to_have_value(field)
    page.get_by_label("Clients", exact=True).check()
    tab.check_page()
    tab.shoot("import-mapping")

    # The dry run: the bad row's number and reason, the probable duplicate of Lise; nothing written.
    page.get_by_role("button", name=words["dry_run"]).click()
    page, job = _finished_job(tab, admin, words["dry_run_title"])
    assert {k: job["counts"][k] for k in ("total", "created", "failed", "skipped", "duplicates")} == {
        "total": 4, "created": 2, "failed": 1, "skipped": 1, "duplicates": 1}
    assert [(e["row"], e["field"]) for e in job["row_errors"]] == [(4, "email")]
    assert job["duplicates"] == [{"row": 3, "record_ids": [lise["id"]]}]
    errors = page.locator("table.imports-errors tbody tr")
    expect(errors).to_have_count(1)
    # The field by its label in the page's language (the email column's header is that label).
    expect(errors.locator("td")).to_have_text(["4", words["headers"][2], re.compile(words["reason"])])
    duplicates = page.locator("table.imports-duplicates tbody tr")
    expect(duplicates).to_have_count(1)
    expect(duplicates.locator("td").first).to_have_text("3")
    expect(duplicates.get_by_role("link")).to_have_attribute("href", f"/app/contacts/{lise['id']}")
    expect(duplicates.get_by_role("link")).to_have_text("Lise Gagnon")  # the record's name, not its id
    assert ok(admin.get("/contacts", params={"q": "Nelligan"}))["total"] == 0
    tab.check_page()
    tab.shoot("import-dry-run")

    # The import, the duplicate row created too (it is reported either way).
    page.get_by_role("link", name=words["back"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["mapping_title"])
    expect(page.get_by_label("Clients", exact=True)).to_be_checked()   # kept from the dry run
    page.get_by_label(words["create_duplicates"]).check()
    tab.check_page()
    page.get_by_role("button", name=words["run"], exact=True).click()
    page, job = _finished_job(tab, admin, words["run_title"])
    assert {k: job["counts"][k] for k in ("created", "failed", "skipped", "duplicates")} == {
        "created": 3, "failed": 1, "skipped": 0, "duplicates": 1}
    tab.check_page()
    found = ok(admin.get("/contacts", params={"q": "Lyse"}))["items"]
    assert [(c["first_name"], c["city"], c["email"]) for c in found] == [("Lyse", "Lévis", lise["email"].upper())]
    assert ok(admin.get(f"/contacts/{found[0]['id']}"))["list_ids"] == lise["list_ids"]
    assert ok(admin.get("/contacts", params={"per_page": 50}))["total"] == 4
    assert ok(admin.get(f"/imports/{import_id}"))["state"] == "imported"
    return found[0]


def _queue(tab, admin, words, lise, lyse):
    """The review queue after the administrator's scan (C-20): the pair of Lise and Lyse, then its merge preview;
    the ids it keeps and merges away."""
    page = tab.page
    page.get_by_role("navigation", name=words["menu"]).get_by_role("link", name=words["nav_duplicates"]).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(words["queue_title"])
    tab.check_page()
    page.get_by_role("button", name=words["scan"]).click()
    expect(page.get_by_role("status")).to_contain_text(words["scan_requested"])
    eventually(lambda: ok(admin.get("/contacts/duplicates/scan")), lambda scan: scan["status"] == "done",
               what="the scan")
    tabs = page.get_by_role("navigation", name=words["types"])
    tabs.get_by_role("link", name=words["type_contacts"], exact=True).click()
    rows = page.locator("table.duplicates tbody tr")
    expect(rows).to_have_count(1)
    queue = ok(admin.get("/contacts/duplicates"))
    assert queue["total"] == 1
    pair = queue["items"][0]
    assert {pair["a"]["id"], pair["b"]["id"]} == {lise["id"], lyse["id"]} and "same_email" in pair["reasons"]
    expect(rows.locator("td").nth(2)).to_have_text(str(pair["score"]))
    tab.check_page()
    tab.shoot("duplicates-queue")

    rows.get_by_role("link", name=re.compile(f"^{words['merge_link']} ")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["preview_title"])
    winner_id = page.locator("input[name=winner_id]").input_value()
    loser_id = page.locator("input[name=loser_id]").input_value()
    assert (winner_id, loser_id) == (pair["a"]["id"], pair["b"]["id"])
    return winner_id, loser_id


def _merge_and_undo(tab, admin, words, records, winner_id, loser_id):
    """On the preview (the queue's pair: either record may be the one kept), keep Lise's city rather than the
    proposed one, merge, check the result, undo, and see both records as they were."""
    page = tab.page
    winner, loser = records[winner_id], records[loser_id]
    preview = ok(admin.get("/merges/preview", params={"record_type": "contact", "winner_id": winner_id,
                                                      "loser_id": loser_id}))
    proposal = {entry["field"]: entry for entry in preview["fields"]}
    # Different values: the record updated last (Lyse, imported after Lise was created) is proposed, either side.
    city = proposal["city"]
    assert (city["winner"], city["loser"], city["proposed_value"]) == (winner["city"], loser["city"], "Lévis")
    group = page.get_by_role("group", name=words["city"], exact=True)
    expect(group.get_by_role("radio", checked=True)).to_have_value(city["proposed"])
    tab.check_page()
    tab.shoot("merge-preview")

    # Keep the other record's city (Lise's Québec) instead of the proposed one, and merge.
    other = "loser" if city["proposed"] == "winner" else "winner"
    group.get_by_label(re.compile(f"^{words[other + '_source']}")).check()
    page.get_by_role("button", name=words["merge"], exact=True).click()
    page.wait_for_url(MERGE_URL)
    expect(page.get_by_role("status")).to_have_text(words["merged"])
    merge_id = page.url.rsplit("/", 1)[1]
    merge = ok(admin.get(f"/merges/{merge_id}"))
    assert (merge["winner_id"], merge["loser_id"], merge["undone_at"], merge["can_undo"]) == (
        winner_id, loser_id, None, True)
    kept = ok(admin.get(f"/contacts/{winner_id}"))
    assert (kept["first_name"], kept["email"], kept["city"]) == (
        proposal["first_name"]["proposed_value"], proposal["email"]["proposed_value"], "Québec")
    assert merge["winner_name"] == f"{kept['first_name']} Gagnon"
    expect(page.get_by_role("heading", level=2)).to_have_text(
        words["result"].format(loser=merge["loser_name"], winner=merge["winner_name"]))
    tab.check_page()
    assert admin.get(f"/contacts/{loser_id}").status_code == 404

    # Undo: both records back as they were.
    page.get_by_role("button", name=words["undo"]).click()
    expect(page.get_by_role("status")).to_have_text(words["undone"])
    expect(page.get_by_role("button", name=words["undo"])).to_have_count(0)
    expect(page.get_by_role("link", name=words["open_winner"])).to_have_attribute("href", f"/app/contacts/{winner_id}")
    expect(page.get_by_role("link", name=words["open_loser"])).to_have_attribute("href", f"/app/contacts/{loser_id}")
    tab.check_page()
    merge = ok(admin.get(f"/merges/{merge_id}"))
    assert merge["undone_at"] is not None and merge["can_undo"] is False
    for record_id, record in records.items():
        back = ok(admin.get(f"/contacts/{record_id}"))
        assert (back["first_name"], back["city"], back["email"]) == (
            record["first_name"], record["city"], record["email"])
    page.get_by_role("link", name=words["open_loser"]).click()
    page.wait_for_url(RECORD_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{loser['first_name']} Gagnon")
    expect(page.locator("dd.field-city")).to_have_text(loser["city"])
    tab.check_page()
    page.get_by_role("navigation", name=words["menu"]).get_by_role("link", name=words["nav_contacts"]).click()
    for record_id, record in records.items():
        row = page.locator("table.records tbody tr", has=page.locator(f'a[href="/app/contacts/{record_id}"]'))
        expect(row).to_have_count(1)
        expect(row).to_contain_text(record["first_name"])
        expect(row).to_contain_text(record["city"])
    tab.check_page()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_import_brings_a_duplicate_that_is_merged_then_the_merge_undone(open_tab, base_url, language):
    words = TEXTS[language]
    admin, user, lise = _organization(base_url, language)
    tab = open_tab(language)
    tab.sign_in(user["username"])
    lyse = _import(tab, admin, words, lise)
    winner_id, loser_id = _queue(tab, admin, words, lise, lyse)
    _merge_and_undo(tab, admin, words, {lise["id"]: lise, lyse["id"]: lyse}, winner_id, loser_id)
