"""Export jobs of opportunities (O-6, N-4) within their caps and checked when they run, through the gateway (issue
10 §2, §1), on a system of this module's own: ``EXPORT_SYNC_MAX_ROWS=1`` (two opportunities make a job), at most
one job queued or running per user and two per organization, and no replica running jobs
(``EXPORT_JOBS_RUN=false``) until a test starts the one that does (``support.jobs.job_runner``).

Stale authority: a job runs with the lists its owner could see when they asked; one whose owner lost a list since
(the grant removed), or the export permission (an administrator demoted), fails with the reason when it is run.
"""
from conftest import add_member, assert_problem, finished_job, ok, start_stack, unique
from support.jobs import NARROWED, held_stack_fixtures, job_runner

CAPS = {"EXPORT_SYNC_MAX_ROWS": "1", "EXPORT_JOBS_PER_USER": "1", "EXPORT_JOBS_PER_ORG": "2"}
EXPORTER = {"contacts": {"read": True}, "accounts": {"read": True},
            "opportunities": {"read": True, "write": True, "export": True}}


held_stack, base_url = held_stack_fixtures(start_stack, CAPS)


def _opportunities(admin, list_id, n=2):
    """``n`` opportunities on an account of ``list_id``; the account."""
    account = ok(admin.post("/accounts", json={"name": unique("Compte"), "list_ids": [list_id]}), 201)
    stage = next(s for s in ok(admin.get("/stages")) if s["probability"] == 25)
    for i in range(n):
        ok(admin.post("/opportunities", json={"title": f"Affaire {i}", "account_id": account["id"],
                                              "stage_id": stage["id"], "close_date": "2026-05-01"}), 201)
    return account


def _queued(client):
    response = client.get("/opportunities/export.xlsx")
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    assert ok(client.get(f"/jobs/{job_id}"))["status"] == "queued"   # no replica runs jobs on this system
    return job_id


def test_queued_opportunity_exports_are_capped_per_user_then_per_organization(org):
    _opportunities(org["admin"], org["shared"])
    first = add_member(org, modules=EXPORTER, flags={"all_contacts": True})["client"]
    second = add_member(org, modules=EXPORTER, flags={"all_contacts": True})["client"]
    _queued(first)

    refused = first.get("/opportunities/export.xlsx", headers={"Accept-Language": "fr"})
    body = assert_problem(refused, 429, code="export_jobs_per_user")
    assert refused.headers["Retry-After"] == "30"
    assert body["detail"].startswith("Vous avez déjà 1 exportations en attente ou en cours")
    _queued(second)
    refused = org["admin"].get("/opportunities/export.xlsx")
    body = assert_problem(refused, 429, code="export_jobs_per_org")
    assert refused.headers["Retry-After"] == "30"
    assert body["detail"].startswith("Your organization already has 2 exports waiting or running")


def test_a_queued_export_whose_owner_lost_a_list_before_it_runs_fails_with_the_reason(held_stack, org):
    """Issue 10 §1 (S-6, L-3): the member asked with a granted list selected; the grant is removed while the job
    waits: failed when it runs, not exported with the lists of the request."""
    admin = org["admin"]
    _opportunities(admin, org["closed"])
    member = add_member(org, modules=EXPORTER, flags={"all_contacts": True})
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [member["user"]["id"]]}))
    client = member["client"]
    ok(client.put("/me/selected-lists", json={"list_ids": [org["shared"], org["closed"]]}))
    job_id = _queued(client)
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": []}))

    with job_runner(held_stack, "opportunities"):
        job = finished_job(client, job_id)

    assert (job["status"], job["size"], job["download_url"]) == ("failed", None, None)
    assert job["errors"][0].startswith(NARROWED["en"])
    client.language = "fr"
    assert ok(client.get(f"/jobs/{job_id}"))["errors"][0].startswith(NARROWED["fr"])
    assert_problem(client.get(f"/jobs/{job_id}/download"), 409, code="job_not_ready")


def test_a_queued_export_of_an_administrator_demoted_before_it_runs_fails_with_the_reason(held_stack, org):
    """Issue 10 §1 (S-3): an administrator's job, run after they were given a role without the export permission."""
    admin = org["admin"]
    _opportunities(admin, org["shared"])
    owner = add_member(org, modules=EXPORTER)
    ok(admin.patch(f"/users/{owner['user']['id']}", json={"is_admin": True}))
    job_id = _queued(owner["client"])
    readonly = {**EXPORTER, "opportunities": {"read": True, "write": False, "export": False}}
    ok(admin.put(f"/roles/{owner['role']['id']}/permissions", json={"modules": readonly, "fields": {}}))
    ok(admin.patch(f"/users/{owner['user']['id']}", json={"is_admin": False}))

    with job_runner(held_stack, "opportunities"):
        job = finished_job(owner["client"], job_id)

    assert job["status"] == "failed" and job["errors"][0].startswith(NARROWED["en"])


def test_a_queued_export_whose_owner_kept_their_lists_runs(held_stack, org):
    """The check refuses only what narrowed: the same member, grant kept, gets the file."""
    admin = org["admin"]
    _opportunities(admin, org["closed"])
    member = add_member(org, modules=EXPORTER, flags={"all_contacts": True})
    ok(admin.put(f"/lists/{org['closed']}/grants", json={"user_ids": [member["user"]["id"]]}))
    client = member["client"]
    ok(client.put("/me/selected-lists", json={"list_ids": [org["shared"], org["closed"]]}))
    job_id = _queued(client)

    with job_runner(held_stack, "opportunities"):
        job = finished_job(client, job_id)

    assert (job["status"], job["errors"]) == ("done", [])
    assert client.get(f"/jobs/{job_id}/download").status_code == 200
