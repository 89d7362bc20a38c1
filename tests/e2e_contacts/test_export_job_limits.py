"""Export jobs of contacts and accounts (N-4) within their caps and checked when they run, through the gateway
(issue 10 §2, §1), on a system of this module's own: ``EXPORT_SYNC_MAX_ROWS=1`` (two rows make a job), at most two
jobs queued or running per user and three per organization, and no replica running jobs (``EXPORT_JOBS_RUN=false``)
so that a job stays queued until a test starts the one replica that runs them (``support.jobs.job_runner``).

- Caps: one more export than the cap is a 429 problem with ``Retry-After``, in French or English, and the
  OpenAPI document lists that 429 on every export route.
- Stale authority: a job whose owner was demoted (an administrator given a role without the export permission) or
  deactivated after asking for it fails with the reason when it is run, and exports nothing.
"""
import requests
from conftest import Client, assert_problem, finished_job, login, ok, sign_up, start_stack, unique
from support.jobs import NARROWED, held_stack_fixtures, job_runner

CAPS = {"EXPORT_SYNC_MAX_ROWS": "1", "EXPORT_JOBS_PER_USER": "2", "EXPORT_JOBS_PER_ORG": "3"}
INACTIVE = {"en": "The export was not run: its requester is no longer an active user.",
            "fr": "L'exportation n'a pas été faite : son demandeur n'est plus un utilisateur actif."}


held_stack, base_url = held_stack_fixtures(start_stack, CAPS)


def _user(org, *, is_admin=False, export=True, language=None):
    """A user of ``org`` (an administrator, or with a role that reads contacts and accounts and may export them),
    the shared list selected; their client and user."""
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    modules = {m: {"read": True, "write": True, "delete": False, "export": export} for m in ("contacts", "accounts")}
    ok(admin.put(f"/roles/{role['id']}/permissions", json={"modules": modules, "fields": {}}))
    username = unique("user")
    user = ok(admin.post("/users", json={"username": username, "password": "correct-horse-battery",
                                         "full_name": "Membre", "email": f"{username}@example.com",
                                         "role_id": role["id"], "is_admin": is_admin, "all_contacts": True}), 201)
    client = Client(org["base_url"], token=login(org["base_url"], username), language=language)
    ok(client.put("/me/selected-lists", json={"list_ids": [org["shared"]]}))
    return client, user


def _contacts(org, n=2):
    for i in range(n):
        ok(org["admin"].post("/contacts", json={"last_name": f"Export{i}", "list_ids": [org["shared"]]}), 201)


def _queued(client, path="/contacts/export.xlsx"):
    response = client.get(path)
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    assert ok(client.get(f"/jobs/{job_id}"))["status"] == "queued"   # no replica runs jobs on this system
    return job_id


def _refused(response, code, limit):
    body = assert_problem(response, 429, code=code)
    assert response.headers["Retry-After"] == "30"
    assert f"{limit} " in body["detail"] and "30" in body["detail"]
    return body


def test_a_user_holds_at_most_two_queued_exports_and_an_organization_three(org):
    """Issue 10 §2 (OWASP API4): the third export of one user is refused, contacts and accounts counted together;
    a colleague takes the organization's last place, then the organization is full for everyone in it; another
    organization is not counted."""
    admin = org["admin"]
    _contacts(org)
    ok(admin.post("/accounts", json={"name": "Compte 1", "list_ids": [org["shared"]]}), 201)
    ok(admin.post("/accounts", json={"name": "Compte 2", "list_ids": [org["shared"]]}), 201)
    _queued(admin)
    _queued(admin, "/accounts/export.xlsx")

    english = _refused(admin.get("/contacts/export.xlsx"), "export_jobs_per_user", 2)
    french = _refused(admin.get("/accounts/export.xlsx", headers={"Accept-Language": "fr"}),
                      "export_jobs_per_user", 2)
    assert english["detail"].startswith("You already have 2 exports waiting or running")
    assert french["detail"].startswith("Vous avez déjà 2 exportations en attente ou en cours")

    colleague, _ = _user(org, language="fr")
    _queued(colleague)
    body = _refused(colleague.get("/contacts/export.xlsx"), "export_jobs_per_org", 3)
    assert body["detail"].startswith("Votre organisation a déjà 3 exportations en attente ou en cours")
    third, _ = _user(org)
    _refused(third.get("/contacts/export.xlsx"), "export_jobs_per_org", 3)

    stranger, created = sign_up(org["base_url"])
    shared = ok(stranger.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)["id"]
    for i in range(2):
        ok(stranger.post("/contacts", json={"last_name": f"Autre{i}", "list_ids": [shared]}), 201)
    _queued(stranger)
    # a small export is the file itself, no job: never refused by the caps
    small = admin.get("/contacts/export.xlsx", params={"q": "Export0"})
    assert small.status_code == 200 and small.headers["X-Export-Rows"] == "1"


def test_the_openapi_document_lists_the_429_of_each_export_route(base_url):
    """The 429 of the job caps is documented on each export route: the problem response (with its Retry-After)
    and, in the operation's summary, the caps it names."""
    document = requests.get(base_url + "/api/openapi.json", timeout=10).json()
    for path in ("/api/v1/contacts/export.xlsx", "/api/v1/accounts/export.xlsx", "/api/v1/opportunities/export.xlsx"):
        operation = document["paths"][path]["get"]
        assert operation["responses"]["429"] == {"$ref": "#/components/responses/Problem429"}, path
        assert {"200", "202"} <= set(operation["responses"])
        summary = operation["summary"]
        assert "429" in summary and ("EXPORT_JOBS_PER_USER" in summary or "caps on queued jobs" in summary), path
    assert "Retry-After" in document["components"]["responses"]["Problem429"]["headers"]


def test_a_queued_export_of_an_administrator_demoted_before_it_runs_fails_with_the_reason(held_stack, org):
    """Issue 10 §1 (stale authority, S-3): asked by an administrator, run after they were given a role without the
    export permission: failed, not run with the authority of the request; no file."""
    admin = org["admin"]
    _contacts(org)
    owner, user = _user(org, is_admin=True)
    job_id = _queued(owner)
    readonly = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    modules = {m: {"read": True, "write": False, "delete": False, "export": False} for m in ("contacts", "accounts")}
    ok(admin.put(f"/roles/{readonly['id']}/permissions", json={"modules": modules, "fields": {}}))
    ok(admin.patch(f"/users/{user['id']}", json={"is_admin": False, "role_id": readonly["id"]}))

    with job_runner(held_stack, "contacts"):
        job = finished_job(owner, job_id)

    assert job["status"] == "failed" and job["errors"][0].startswith(NARROWED["en"])
    assert (job["filename"], job["size"], job["download_url"]) == (None, None, None)
    owner.language = "fr"
    assert ok(owner.get(f"/jobs/{job_id}"))["errors"][0].startswith(NARROWED["fr"])
    assert_problem(owner.get(f"/jobs/{job_id}/download"), 403, code="missing_permission")


def test_a_queued_export_whose_owner_was_deactivated_before_it_runs_fails_with_the_reason(held_stack, org):
    """Issue 10 §1 (S-1): the owner deactivated while their job waits: failed when it comes to run. The owner reads
    the reason once active again; the job run after it (another organization's, queued later) proves the runner
    went past it before the reactivation."""
    admin = org["admin"]
    _contacts(org)
    owner, user = _user(org)
    username = user["username"]
    job_id = _queued(owner)
    ok(admin.patch(f"/users/{user['id']}", json={"active": False}))
    later, _ = sign_up(org["base_url"])
    later_list = ok(later.post("/lists", json={"name": "Partagée", "access_all_users": True}), 201)["id"]
    for i in range(2):
        ok(later.post("/contacts", json={"last_name": f"Plus tard{i}", "list_ids": [later_list]}), 201)
    later_job = _queued(later)

    with job_runner(held_stack, "contacts"):
        assert finished_job(later, later_job)["status"] == "done"

    ok(admin.patch(f"/users/{user['id']}", json={"active": True}))
    owner = Client(org["base_url"], token=login(org["base_url"], username))
    job = ok(owner.get(f"/jobs/{job_id}"))
    assert (job["status"], job["errors"], job["size"]) == ("failed", [INACTIVE["en"]], None)
    assert ok(owner.get(f"/jobs/{job_id}", headers={"Accept-Language": "fr"}))["errors"] == [INACTIVE["fr"]]


def test_a_queued_export_whose_owner_kept_their_authority_runs(held_stack, org):
    """The check refuses only what narrowed: a job whose owner changed nothing is exported when it runs."""
    _contacts(org)
    owner, _ = _user(org)
    job_id = _queued(owner)
    with job_runner(held_stack, "contacts"):
        job = finished_job(owner, job_id)
    assert (job["status"], job["errors"]) == ("done", [])
    assert owner.get(f"/jobs/{job_id}/download").status_code == 200
