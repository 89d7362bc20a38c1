"""The task pages (issue 11 "tasks as a list and as a board (T-2) with drag and drop and its keyboard alternative,
invitations"): each page shows what the same user's ``/api/v1`` call answers, a move is one ``PATCH`` of
``status``, due times are the organization's (N-6), and the API's refusals are pages or messages on the form."""
from conftest import PASSWORD, ApiClient, login, ok, unique, web_login
from support.http import sign_up
from support.orgs import add_member, stage_id

RIGHTS = {"read": True, "write": True, "delete": True, "export": False}


def _board_on_page(page):
    return [(section.get("data-status"),
             [card.get("data-task-id") for card in section.cssselect(".task-card")])
            for section in page.css("task-board .task-column")]


def _board_of_api(client):
    return [(column["status"], [task["id"] for task in column["items"]])
            for column in ok(client.get("/tasks/board"))["columns"]]


def _task(client, **fields):
    body = {"type": "call", "title": unique("Appeler"), **fields}
    return ok(client.post("/tasks", json=body), 201)


def test_the_board_shows_the_api_s_columns_and_cards_each_with_a_move_form(base_url, org):
    admin = org["admin"]
    first = _task(admin, due_at="2026-03-02T09:00:00-05:00")
    second = _task(admin, type="meeting", title="Rencontre <b>client</b>")
    ok(admin.patch(f"/tasks/{second['id']}", json={"status": "in_progress"}))
    client = web_login(base_url, org["user"]["username"], language="fr")
    page = client.get("/app/tasks/board")
    assert page.status == 200
    assert _board_on_page(page) == _board_of_api(admin)
    assert [status for status, _ in _board_on_page(page)] == ["todo", "in_progress", "done"]
    assert page.texts("task-board h2") == ["À faire 1", "En cours 1", "Terminée 0"]
    # The title is text, never markup.
    assert "Rencontre <b>client</b>" in page.texts(".task-card-title") and not page.css(".task-card b")
    # The keyboard alternative (WCAG 2.5.7): a real form per card, its column left out of the choices.
    card = page.one(f'.task-card[data-task-id="{first["id"]}"]')
    form, = card.cssselect("form.task-move")
    assert form.get("method") == "post" and form.get("action") == f"/app/tasks/{first['id']}/move"
    assert form.cssselect("input[name=csrf_token]") and form.cssselect(f'label[for="move-{first["id"]}"]')
    offered = [o.get("value") for o in form.cssselect("select[name=status] option") if o.get("disabled") is None]
    assert offered == ["in_progress", "done"]
    # The due time in the organization's zone (N-6), as the API answers it.
    assert card.cssselect("time")[0].get("datetime") == "2026-03-02T09:00:00-05:00"
    assert page.css('script[src*="islands/task-board.js?v="]')


def test_moving_with_the_keyboard_form_patches_the_status_and_comes_back_to_the_board(base_url, org):
    admin = org["admin"]
    task = _task(admin)
    client = web_login(base_url, org["user"]["username"], language="en")
    client.get("/app/tasks/board?type=call")
    moved = client.post(f"/app/tasks/{task['id']}/move", {"status": "done", "next": "/app/tasks/board?type=call"})
    assert moved.status == 303 and moved.location.endswith("/app/tasks/board?type=call")
    assert ok(admin.get(f"/tasks/{task['id']}"))["status"] == "done"
    board = client.follow(moved)
    assert board.texts("#status p") == ["Task moved."]
    assert dict(_board_on_page(board))["done"] == [task["id"]]
    # The island's post (header X-Carnet-Island) is answered in JSON: the new status, or the API's message.
    island = {"X-Carnet-Island": "task-board"}
    answer = client.post(f"/app/tasks/{task['id']}/move", {"status": "in_progress"}, headers=island)
    assert answer.status == 200 and answer.response.json()["status"] == "in_progress"
    assert ok(admin.get(f"/tasks/{task['id']}"))["status"] == "in_progress"
    refused = client.post(f"/app/tasks/{task['id']}/move", {"status": "blocked"}, headers=island)
    assert refused.status == 422 and refused.response.json()["message"]
    assert ok(admin.get(f"/tasks/{task['id']}"))["status"] == "in_progress"
    # An open redirect through "next" is not followed.
    elsewhere = client.post(f"/app/tasks/{task['id']}/move", {"status": "todo", "next": "https://evil.example/"})
    assert elsewhere.status == 303 and elsewhere.location.endswith("/app/tasks/board")


def test_another_organization_s_task_is_404_and_its_move_refused(base_url, org):
    task = _task(org["admin"])
    _, created = sign_up(base_url, client_class=ApiClient)
    stranger = web_login(base_url, created["user"]["username"])
    for path in (f"/app/tasks/{task['id']}", f"/app/tasks/{task['id']}/edit", f"/app/tasks/{task['id']}/delete"):
        assert stranger.get(path).status == 404, path
    stranger.get("/app/tasks/board")
    assert stranger.post(f"/app/tasks/{task['id']}/move", {"status": "done"}).status == 404
    assert stranger.post(f"/app/tasks/{task['id']}/move", {"status": "done"},
                         headers={"X-Carnet-Island": "task-board"}).status == 404
    assert stranger.post(f"/app/tasks/{task['id']}/delete").status == 404
    assert task["id"] not in str(_board_on_page(stranger.get("/app/tasks/board")))
    assert ok(org["admin"].get(f"/tasks/{task['id']}"))["status"] == "todo"


def test_a_user_without_the_tasks_permission_gets_a_403_page_and_no_tasks_link(base_url, org):
    limited = add_member(org, modules={"contacts": RIGHTS, "accounts": RIGHTS})
    assert limited["client"].get("/tasks").status_code == 403
    client = web_login(base_url, limited["user"]["username"], language="en")
    for path in ("/app/tasks", "/app/tasks/board"):
        page = client.get(path)
        assert page.status == 403 and page.one("h1").text_content() == "Forbidden"
        assert not page.css('nav a[href="/app/tasks"]')
    created = client.post("/app/tasks/new", {"type": "todo", "title": "x"})
    assert created.status == 403 and ok(org["admin"].get("/tasks"))["total"] == 0


def test_a_task_is_created_with_its_due_time_in_the_organization_s_zone_edited_and_deleted(base_url, org):
    member = add_member(org, modules={"tasks": RIGHTS, "contacts": RIGHTS, "accounts": RIGHTS})
    admin = org["admin"]
    contact = ok(admin.post("/contacts", json={"first_name": "Luc", "last_name": "Émond",
                                               "list_ids": [org["shared"]]}), 201)
    client = web_login(base_url, org["user"]["username"], language="fr")
    form = client.get("/app/tasks/new")
    assert form.status == 200
    assignees = [o.get("value") for o in form.css("#f-assignee_id option")]
    assert org["user"]["id"] in assignees and member["user"]["id"] in assignees
    assert contact["id"] in [o.get("value") for o in form.css("#f-contact_id option")]
    created = client.post("/app/tasks/new", {"title": "Visite", "type": "meeting", "status": "todo",
                                             "due_at": "2026-07-01T09:30", "assignee_id": member["user"]["id"],
                                             "contact_id": contact["id"], "account_id": "", "description": ""})
    assert created.status == 303
    task_id = created.location.rsplit("/", 1)[1]
    task = ok(admin.get(f"/tasks/{task_id}"))
    # America/Toronto in July: -04:00 (N-6).
    assert task["due_at"] == "2026-07-01T09:30:00-04:00" and task["assignee_id"] == member["user"]["id"]
    assert task["contact_id"] == contact["id"] and task["type"] == "meeting"
    page = client.follow(created)
    assert page.texts("#status p") == ["Tâche créée."] and page.one("h1").text_content() == "Visite"
    assert page.one(f'a[href="/app/contacts/{contact["id"]}"]').text_content() == "Luc Émond"
    # The edit form shows the due time as the organization reads it; only changed fields are written.
    edit = client.get(f"/app/tasks/{task_id}/edit")
    assert edit.one("#f-due_at").get("value") == "2026-07-01T09:30"
    assert edit.one("#f-due_at").get("type") == "datetime-local"
    saved = client.post(f"/app/tasks/{task_id}/edit", {
        "title": "Visite", "type": "meeting", "status": "in_progress", "due_at": "2026-12-01T14:00",
        "assignee_id": member["user"]["id"], "contact_id": contact["id"], "account_id": "", "description": ""})
    assert saved.status == 303
    task = ok(admin.get(f"/tasks/{task_id}"))
    assert task["due_at"] == "2026-12-01T14:00:00-05:00" and task["status"] == "in_progress"
    # Delete: a confirmation page, then the post.
    confirm = client.get(f"/app/tasks/{task_id}/delete")
    assert confirm.status == 200 and confirm.one(f'form[action="/app/tasks/{task_id}/delete"]') is not None
    deleted = client.post(f"/app/tasks/{task_id}/delete")
    assert deleted.status == 303 and deleted.location.endswith("/app/tasks")
    assert admin.get(f"/tasks/{task_id}").status_code == 404
    assert client.follow(deleted).texts("#status p") == ["Tâche supprimée."]


def test_a_bad_due_date_re_renders_the_form_with_422_and_the_field_marked_invalid(base_url, org):
    client = web_login(base_url, org["user"]["username"], language="en")
    client.get("/app/tasks/new")
    page = client.post("/app/tasks/new", {"title": "Plus tard", "type": "todo", "due_at": "31/12/2026 10:00"})
    assert page.status == 422
    due = page.one("#f-due_at")
    assert due.get("aria-invalid") == "true" and "f-due_at-error" in due.get("aria-describedby")
    assert "ISO 8601" in page.one("#f-due_at-error").text_content()
    assert page.one(".error-summary[role=alert]").text_content().strip()
    assert page.one("#f-title").get("value") == "Plus tard"
    assert ok(org["admin"].get("/tasks"))["total"] == 0
    # The same on the edit form: nothing written.
    task = _task(org["admin"], title="Garder")
    page = client.post(f"/app/tasks/{task['id']}/edit", {"title": "", "type": "call", "status": "todo",
                                                         "due_at": "", "assignee_id": org["user"]["id"]})
    assert page.status == 422 and page.one("#f-title").get("aria-invalid") == "true"
    assert ok(org["admin"].get(f"/tasks/{task['id']}"))["title"] == "Garder"


def test_the_list_shows_the_api_s_page_with_its_filters(base_url, org):
    admin = org["admin"]
    call = _task(admin, due_at="2026-01-10T10:00:00-05:00")
    meeting = _task(admin, type="meeting", due_at="2026-02-10T10:00:00-05:00")
    ok(admin.patch(f"/tasks/{meeting['id']}", json={"status": "done"}))
    client = web_login(base_url, org["user"]["username"], language="fr")

    def shown(path):
        page = client.get(path)
        assert page.status == 200
        return [row.get("data-task-id") for row in page.css("table.task-list tbody tr")]

    assert shown("/app/tasks") == [t["id"] for t in ok(admin.get("/tasks"))["items"]] == [call["id"], meeting["id"]]
    assert shown("/app/tasks?status=done") == [meeting["id"]]
    assert shown("/app/tasks?type=call") == [call["id"]]
    # "Due before" a day: from the start of that day in the organization's zone.
    assert shown("/app/tasks?due_before=2026-02-01") == [call["id"]]
    refused = client.get("/app/tasks?status=blocked")
    assert refused.status == 422 and refused.one("#f-status").get("aria-invalid") == "true"


def test_invitations_are_requested_listed_and_the_api_s_refusals_shown(base_url, org):
    admin = org["admin"]
    dated = _task(admin, due_at="2026-03-02T09:00:00-05:00")
    undated = _task(admin)
    client = web_login(base_url, org["user"]["username"], language="fr")
    page = client.get(f"/app/tasks/{dated['id']}")
    assert page.texts(".task-invitations tbody tr") == [] and "Aucune invitation" in page.body_text
    # No contact: the API's 409, on the page.
    refused = client.post(f"/app/tasks/{dated['id']}/invite", {"to": "contact"})
    assert refused.status == 409
    assert refused.one("#f-to").get("aria-invalid") == "true"
    assert "n'est liée à aucun contact" in refused.one(".error-summary").text_content()
    # No due date.
    refused = client.post(f"/app/tasks/{undated['id']}/invite", {"to": "assignee"})
    assert refused.status == 409 and "date et une heure d'échéance" in refused.one(".error-summary").text_content()
    # To the assignee: requested, then listed with its state as the API has it.
    sent = client.post(f"/app/tasks/{dated['id']}/invite", {"to": "assignee"})
    assert sent.status == 303 and sent.location.endswith(f"/app/tasks/{dated['id']}")
    page = client.follow(sent)
    assert page.texts("#status p") == ["Invitation demandée : elle est envoyée en arrière-plan."]
    invitations = ok(admin.get(f"/tasks/{dated['id']}/invitations"))
    rows = page.css(".task-invitations tbody tr")
    assert len(rows) == len(invitations) == 1
    assert invitations[0]["email"] in rows[0].text_content()
    state, = rows[0].cssselect(".badge")
    assert state.get("class").split()[1] in {f"invitation-{s}" for s in ("pending", "sending", "sent", "failed")}


def test_an_organization_whose_plan_has_no_emails_is_told_so_on_the_task(base_url):
    admin, created = sign_up(base_url, client_class=ApiClient, plan="solo")
    task = _task(admin, due_at="2026-03-02T09:00:00-05:00")
    client = web_login(base_url, created["user"]["username"], language="en")
    refused = client.post(f"/app/tasks/{task['id']}/invite", {"to": "assignee"})
    assert refused.status == 403
    assert "solo plan does not include the e-mails module" in refused.one(".error-summary").text_content()
    assert ok(admin.get(f"/tasks/{task['id']}/invitations")) == []


def test_a_role_that_may_not_read_the_due_time_never_sees_it_on_any_task_page(base_url, org):
    admin = org["admin"]
    role = ok(admin.post("/roles", json={"name": unique("role")}), 201)
    ok(admin.put(f"/roles/{role['id']}/permissions", json={
        "modules": {"tasks": RIGHTS}, "fields": {"tasks.due_at": {"read": False, "write": False}}}))
    user = ok(admin.post("/users", json={"username": unique("user"), "password": PASSWORD, "full_name": "Lise",
                                         "email": f"{unique('lise')}@example.com", "role_id": role["id"]}), 201)
    task = _task(admin, assignee_id=user["id"], due_at="2026-03-02T09:00:00-05:00")
    api = ApiClient(base_url, token=login(base_url, user["username"]))
    assert "due_at" not in ok(api.get(f"/tasks/{task['id']}")) and ok(api.get("/tasks"))["total"] == 1
    client = web_login(base_url, user["username"], language="en")
    pages = {path: client.get(path) for path in ("/app/tasks", "/app/tasks/board", f"/app/tasks/{task['id']}",
                                                 f"/app/tasks/{task['id']}/edit", "/app/tasks/new")}
    for path, page in pages.items():
        assert page.status == 200, path
        assert not page.css("time") or path.endswith(task["id"]), path  # the task's page: created/updated only
        assert "2026-03-02" not in page.text and "Mar 2, 2026" not in page.text, path
        assert not page.css("#f-due_at") and not page.css("#f-due_before"), path
    assert task["id"] in str(_board_on_page(pages["/app/tasks/board"]))
    assert "Due" not in pages["/app/tasks"].texts("table.task-list th")
    assert "Due" not in pages[f"/app/tasks/{task['id']}"].texts("dl.fields dt")
    # Saving the edit form never writes the unreadable field (the API would refuse it: 403 naming it).
    saved = client.post(f"/app/tasks/{task['id']}/edit", {"title": "Renamed", "type": "call", "status": "todo",
                                                            "assignee_id": user["id"], "description": "",
                                                            "contact_id": "", "account_id": ""})
    assert saved.status == 303
    assert ok(admin.get(f"/tasks/{task['id']}"))["due_at"] == "2026-03-02T09:00:00-05:00"


def test_the_board_pages_its_columns_and_a_new_task_keeps_the_opportunity_it_was_started_from(base_url, org):
    admin = org["admin"]
    account = ok(admin.post("/accounts", json={"name": "Toitures Roy", "list_ids": [org["shared"]]}), 201)
    opportunity = ok(admin.post("/opportunities", json={"title": "Toiture", "stage_id": stage_id(admin),
                                                        "account_id": account["id"]}), 201)
    client = web_login(base_url, org["user"]["username"], language="en")
    form = client.get(f"/app/tasks/new?opportunity_id={opportunity['id']}")
    assert form.one('input[name="opportunity_id"]').get("value") == opportunity["id"]
    created = client.post("/app/tasks/new", {"title": "Mesurer", "type": "todo",
                                             "opportunity_id": opportunity["id"]})
    assert created.status == 303
    task = ok(admin.get("/tasks", params={"opportunity_id": opportunity["id"]}))["items"][0]
    page = client.follow(created)
    assert page.one(f'a[href="/app/opportunities/{opportunity["id"]}"]').text_content() == "Toiture"
    # One page of the board holds 100 tasks per column; the next page is linked.
    for index in range(100):
        _task(admin, title=f"T{index:03}")
    board = client.get("/app/tasks/board")
    assert len(board.css('.task-column[data-status="todo"] .task-card')) == 100
    assert board.one('.task-column[data-status="todo"] .task-count').text_content().strip() == "101"
    following = client.get(board.one("nav.pager a[rel=next]").get("href"))
    assert _board_on_page(following) == [
        (column["status"], [t["id"] for t in column["items"]])
        for column in ok(admin.get("/tasks/board", params={"page": 2, "per_page": 100}))["columns"]]
    assert len(following.css(".task-card")) == 1 and not following.css("nav.pager a[rel=next]")
    assert task["id"] in str(_board_on_page(board)) + str(_board_on_page(following))
