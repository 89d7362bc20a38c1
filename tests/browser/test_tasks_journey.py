"""Tasks in Chromium (issue 11: "tasks as a list and as a board (T-2) with drag and drop and its keyboard
alternative, invitations"; "the board with the mouse and with the keyboard"): in French with the mouse, in English
with the keyboard, and the keyboard form with JavaScript off. Every move is checked against ``/api/v1``."""
from conftest import ApiClient, login, ok, sign_up, unique
from playwright.sync_api import expect

from carnet_testing import eventually


def _organization(base_url):
    admin, created = sign_up(base_url, client_class=ApiClient)
    return admin, created["user"]


def _task(admin, **fields):
    return ok(admin.post("/tasks", json={"type": "call", "title": unique("Appeler"), **fields}), 201)


def _status(admin, task):
    return ok(admin.get(f"/tasks/{task['id']}"))["status"]


def _column(page, status):
    return page.locator(f'task-board .task-column[data-status="{status}"]')


def _card(page, task):
    return page.locator(f'.task-card[data-task-id="{task["id"]}"]')


def test_in_french_a_card_is_dragged_with_the_mouse_and_a_refused_move_goes_back(open_tab, base_url):
    admin, user = _organization(base_url)
    call = _task(admin, title="Appeler Mme Tremblay", due_at="2026-03-02T09:00:00-05:00")
    gone = _task(admin, title="Relancer le devis")
    _task(admin, type="meeting", title="Rencontre au chantier", status="in_progress")
    tab = open_tab("fr")
    tab.sign_in(user["username"])
    page = tab.goto("/app/tasks/board")
    expect(page.locator("task-board")).to_have_attribute("data-ready", "true")
    expect(page.get_by_role("heading", name="Tableau des tâches")).to_be_visible()
    tab.check_page()
    tab.shoot("task-board")

    _card(page, call).drag_to(_column(page, "done"))
    expect(_column(page, "done").locator(".task-card")).to_have_count(1)
    expect(_column(page, "done")).to_contain_text("Appeler Mme Tremblay")
    expect(page.get_by_role("status")).to_have_text("« Appeler Mme Tremblay » déplacée vers Terminée.")
    eventually(lambda: _status(admin, call) == "done", what="the dragged task saved as done")
    expect(_column(page, "done").locator(".task-count")).to_have_text("1")

    # A move the API refuses (the task was deleted meanwhile): the card goes back, the error is announced.
    ok(admin.delete(f"/tasks/{gone['id']}"), 204)
    _card(page, gone).drag_to(_column(page, "in_progress"))
    expect(page.get_by_role("alert").filter(has_text="n'a pas pu être déplacée")).to_be_visible()
    expect(_column(page, "todo").locator(_card(page, gone))).to_have_count(1)
    expect(_column(page, "in_progress").locator(".task-card")).to_have_count(1)
    tab.check_page()

    # Saved at once (T-2): the board read again has it in its new column.
    page.reload()
    expect(_column(page, "done")).to_contain_text("Appeler Mme Tremblay")

    # The task's page, and an invitation to its assignee.
    page.get_by_role("link", name="Appeler Mme Tremblay").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Appeler Mme Tremblay")
    tab.check_page()
    page.get_by_label("Envoyer à").select_option("assignee")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_have_text("Invitation demandée : elle est envoyée en arrière-plan.")
    invitation, = ok(admin.get(f"/tasks/{call['id']}/invitations"))
    expect(page.locator(".task-invitations tbody tr")).to_contain_text(invitation["email"])
    tab.check_page()
    tab.shoot("task")

    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Tâches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tâches")
    expect(page.locator("table.task-list tbody tr")).to_have_count(2)
    tab.check_page()


def test_in_english_a_card_is_moved_with_the_keyboard_and_a_task_created(open_tab, base_url):
    admin, user = _organization(base_url)
    task = _task(admin, title="Call Mr Smith")
    tab = open_tab("en")
    page = tab.sign_in(user["username"])
    # Through the menu and the view switch (boosted links: the island's script comes with the swapped page).
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Tasks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tasks")
    tab.check_page()
    page.get_by_role("navigation", name="Views").get_by_role("link", name="Board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Task board")
    expect(page.locator("task-board")).to_have_attribute("data-ready", "true")
    tab.check_page()
    tab.shoot("task-board")

    select = page.get_by_label("Move to (Call Mr Smith)")
    select.focus()
    select.select_option("in_progress")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move (Call Mr Smith)")).to_be_focused()
    page.keyboard.press("Enter")
    expect(_column(page, "in_progress")).to_contain_text("Call Mr Smith")
    expect(page.get_by_role("status")).to_have_text("“Call Mr Smith” moved to In progress.")
    eventually(lambda: _status(admin, task) == "in_progress", what="the task moved with the keyboard")
    # The card's choices follow its column; the focus stays on it.
    expect(select).to_be_focused()
    expect(select.locator('option[value="in_progress"]')).to_be_disabled()
    tab.check_page()

    # A new task: the due time is read in the organization's time zone (N-6).
    page.get_by_role("link", name="New task").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New task")
    tab.check_page()
    # Without a title: the API's 422 on the field, announced, the focus on it.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Some fields are invalid.")
    expect(page.get_by_label("Title")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Title")).to_be_focused()
    tab.check_page()
    page.get_by_label("Title").fill("Site visit")
    page.get_by_label("Type").select_option("meeting")
    page.get_by_label("Due").fill("2026-07-01T09:30")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Site visit")
    expect(page.get_by_role("status")).to_have_text("Task created.")
    created = next(t for t in ok(admin.get("/tasks"))["items"] if t["title"] == "Site visit")
    assert created["due_at"] == "2026-07-01T09:30:00-04:00" and created["type"] == "meeting"
    tab.check_page()
    tab.shoot("task")


def test_without_javascript_the_move_to_form_posts_and_comes_back_to_the_board(open_tab, base_url):
    admin, user = _organization(base_url)
    task = _task(admin, title="Write the quote")
    tab = open_tab("en", javascript=False)
    tab.sign_in(user["username"])
    page = tab.goto("/app/tasks/board")
    page.get_by_label("Move to (Write the quote)").select_option("done")
    page.get_by_role("button", name="Move (Write the quote)").click()
    page.wait_for_url("**/app/tasks/board")
    expect(page.get_by_role("status")).to_have_text("Task moved.")
    expect(_column(page, "done")).to_contain_text("Write the quote")
    assert _status(admin, task) == "done"
    assert ok(ApiClient(base_url, token=login(base_url, user["username"])).get("/tasks/board"))["columns"][2][
        "items"][0]["id"] == task["id"]
