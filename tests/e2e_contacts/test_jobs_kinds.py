"""A background job speaks for its kind (N-4, carnet_common/jobs.py): an automation run (AU-1) is a job without a
file, so its read offers no download (``download_url`` null, the download a 404 ``job_no_file``, the job page of the
web client no download link), and a run refused when it was to run says why in the automation's words, in English
and in French (``automation_authority_narrowed``, never an export's message). Exports keep theirs
(test_exports.py, test_export_job_limits.py)."""
import io
import json

import openpyxl
from conftest import assert_problem, finished_job, ok
from support.orgs import add_member
from support.web import web_login

from carnet_gateway.catalogs.automations import MESSAGES

EVERY_CONTACT = {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                                       {"field": "first_name", "cmp": "not_empty"}]}
EVERYTHING = {"read": True, "write": True, "delete": False, "export": False}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
AUTOMATOR = {"contacts": EVERYTHING, "accounts": EVERYTHING, "automations": EVERYTHING}


def _run(client, source, target):
    """A new automation of ``client``'s from ``source`` to ``target``, and the id of its run's job."""
    automation = ok(client.post("/automations", json={"name": "Copie", "source_list_id": source,
                                                       "target_list_id": target, "criteria": EVERY_CONTACT}), 201)
    started = client.post(f"/automations/{automation['id']}/runs")
    assert started.status_code == 202, started.text
    return automation, started.json()["job_id"]


def test_an_automation_run_s_job_has_no_file_to_download_from_the_api_or_the_job_page(org, base_url):
    member = add_member(org, modules=AUTOMATOR)
    client = member["client"]
    ok(org["admin"].post("/contacts", json={"list_ids": [org["shared"]], "first_name": "Ana",
                                             "rep1_id": member["user"]["id"]}), 201)
    target = ok(client.post("/lists", json={"name": "Copies"}), 201)["id"]
    _, job_id = _run(client, org["shared"], target)
    job = finished_job(client, job_id)
    assert (job["kind"], job["status"], job["errors"]) == ("automation_run", "done", [])
    assert (job["download_url"], job["filename"], job["size"]) == (None, None, None)
    assert_problem(client.get(f"/jobs/{job_id}/download"), 404, code="job_no_file")
    # the job is still its owner's only: anyone else gets the 404 of a job that does not exist, not job_no_file
    stranger = org["admin"].get(f"/jobs/{job_id}/download")
    assert stranger.status_code == 404 and stranger.json()["code"] != "job_no_file"

    web = web_login(base_url, member["user"]["username"], language="en")
    page = web.get(f"/app/jobs/{job_id}")
    assert page.status == 200 and page.one("[data-status]").get("data-status") == "done"
    assert page.css("a[download]") == [] and "/download" not in page.text
    assert "This job produces no file" in page.one("#job-progress").text_content()
    assert page.texts("h1") == ["Last run"] and page.css(".page-head a[href='/app/automations']")


def test_a_run_refused_when_it_was_to_run_says_why_in_the_automation_s_words(org):
    """The creator may no longer read a field after saving the automation (its authority narrowed, issue 10 §1):
    the run's job fails with the automation's reason, in English and French, and the automation's last run says the
    same; nothing was copied."""
    admin = org["admin"]
    member = add_member(org, modules=AUTOMATOR)
    client = member["client"]
    ok(admin.post("/contacts", json={"list_ids": [org["shared"]], "first_name": "Léa",
                                      "rep1_id": member["user"]["id"]}), 201)
    target = ok(client.post("/lists", json={"name": "Copies"}), 201)["id"]
    automation = ok(client.post("/automations", json={"name": "Copie", "source_list_id": org["shared"],
                                                       "target_list_id": target, "criteria": EVERY_CONTACT}), 201)
    ok(admin.put(f"/roles/{member['role']['id']}/permissions",
                 json={"modules": AUTOMATOR, "fields": {"contacts.title": {"read": False, "write": False}}}))
    started = client.post(f"/automations/{automation['id']}/runs")
    assert started.status_code == 202, started.text
    job_id = started.json()["job_id"]

    english, french = MESSAGES["automation_authority_narrowed"]
    job = finished_job(client, job_id)
    assert (job["status"], job["errors"], job["download_url"]) == ("failed", [english], None)
    client.language = "fr"
    assert ok(client.get(f"/jobs/{job_id}"))["errors"] == [french]
    last_run = ok(client.get(f"/automations/{automation['id']}"))["last_run"]
    assert (last_run["status"], last_run["error"], last_run["job_id"]) == ("failed", french, job_id)
    in_target = json.dumps({"field": "list", "cmp": "eq", "value": target})
    assert ok(admin.get("/contacts", params={"criteria": in_target}))["items"] == []


def test_an_import_s_job_has_its_file_and_the_job_page_leads_to_the_import_s_own(org, base_url):
    """A dry run (C-19) is a job with a file (its rows' report): ``download_url`` is set; ``/app/jobs/<id>`` leads
    to the import's job page, which shows its counts and errors."""
    admin = org["admin"]
    book = openpyxl.Workbook()
    book.active.append(["Nom", "Courriel"])
    book.active.append(["Nelligan", "emile@example.com"])
    content = io.BytesIO()
    book.save(content)
    upload = ok(admin.post("/imports", files={"file": ("import.xlsx", content.getvalue(), XLSX)},
                           data={"record_type": "contact"}), 201)
    started = ok(admin.post(f"/imports/{upload['id']}/dry-run",
                            json={"mapping": {"A": "last_name", "B": "email"}, "list_ids": [org["shared"]]}), 202)
    job = finished_job(admin, started["job_id"])
    assert job["status"] == "done" and job["download_url"] == f"/api/v1/jobs/{job['id']}/download"
    download = admin.get(f"/jobs/{job['id']}/download")
    assert download.status_code == 200 and download.content[:2] == b"PK"

    web = web_login(base_url, org["user"]["username"], language="fr")
    page = web.get(f"/app/jobs/{job['id']}")
    assert page.status == 303 and page.location.endswith(f"/app/imports/{upload['id']}/jobs/{job['id']}")
