"""Tasks (T-1, T-2), invitations (T-3) and the dashboard (D-1) end to end: identity + contacts + opportunities +
gateway started as ``scripts/stack.py`` starts them, with a real SMTP server (``carnet_testing.mail``) as the relay
of the suite's system (conftest.py), driven over HTTP only."""
from conftest import add_member, assert_problem, eventually, ok, sign_up
from icalendar import Calendar

MODULE_RIGHTS = {"read": True, "write": True, "delete": True, "export": False}


def problem(response, status, fields=()):
    return assert_problem(response, status, fields=fields)


def _member(org, modules):
    member = add_member(org, modules={module: MODULE_RIGHTS for module in modules})
    return member["client"], member["user"]


def test_tasks_through_the_gateway(base_url, org, relay):
    admin, shared = org["admin"], org["shared"]
    account = ok(admin.post("/accounts", json={"name": "Bois Tremblay", "list_ids": [shared]}), 201)
    contact = ok(admin.post("/contacts", json={"first_name": "Luc", "last_name": "Émond", "list_ids": [shared],
                                               "email": "luc@client.test", "account_id": account["id"]}), 201)
    body = {"type": "meeting", "title": "Visite", "contact_id": contact["id"], "account_id": account["id"],
            "due_at": "2025-07-01T09:30:00-04:00"}
    task = ok(admin.post("/tasks", json=body), 201)   # at once: the contact and account are confirmed at the source
    assert task["due_at"] == "2025-07-01T09:30:00-04:00" and task["status"] == "todo"

    # bad input: 422 naming the field, nothing stored
    problem(admin.post("/tasks", json={**body, "due_at": "2025-07-01 09:30"}), 422, ["due_at"])
    problem(admin.post("/tasks", json={**body, "type": "fax"}), 422, ["type"])
    problem(admin.patch(f"/tasks/{task['id']}", json={"status": "blocked"}), 422, ["status"])
    problem(admin.get("/tasks?status=blocked"), 422, ["status"])
    problem(admin.post("/tasks", json={**body, "assignee_id": "nobody"}), 422, ["assignee_id"])
    assert ok(admin.get("/tasks"))["total"] == 1

    # board and one-PATCH move (T-2)
    ok(admin.patch(f"/tasks/{task['id']}", json={"status": "done"}))
    board = ok(admin.get("/tasks/board"))
    assert [(c["status"], [t["id"] for t in c["items"]]) for c in board["columns"]] == [
        ("todo", []), ("in_progress", []), ("done", [task["id"]])]

    # a second organization never sees it; a member not rep of the contact neither; no tasks permission: 403
    other, _ = sign_up(base_url)
    problem(other.get(f"/tasks/{task['id']}"), 404)
    problem(other.patch(f"/tasks/{task['id']}", json={"title": "x"}), 404)
    member, member_user = _member(org, ("contacts", "accounts", "tasks", "dashboard"))
    problem(member.get(f"/tasks/{task['id']}"), 404)
    problem(member.delete(f"/tasks/{task['id']}"), 404)
    assert ok(member.get("/tasks"))["total"] == 0
    limited, _ = _member(org, ("contacts", "accounts"))
    problem(limited.get("/tasks"), 403)
    problem(limited.post("/tasks", json={"type": "todo", "title": "x"}), 403)
    problem(limited.get("/dashboard"), 403)

    # a task of the member's own, assigned by the admin: the member sees it, the admin created it
    own = ok(admin.post("/tasks", json={"type": "call", "title": "Appeler", "assignee_id": member_user["id"],
                                        "due_at": "2025-07-01T13:00:00Z"}), 201)
    assert ok(member.get(f"/tasks/{own['id']}"))["id"] == own["id"]

    # invitation to the assignee, by email with an .ics (T-3)
    invitation = ok(admin.post(f"/tasks/{own['id']}/invite", json={"to": "assignee"}), 202)
    assert invitation["email"] == member_user["email"]
    problem(admin.post(f"/tasks/{own['id']}/invite", json={"to": "boss"}), 422, ["to"])
    # a valid body the stored task or contact refuses: 409 naming the field, FR/EN (issue 10 §5)
    assert_problem(admin.post(f"/tasks/{own['id']}/invite", json={"to": "contact"}), 409,
                   code="task_invitation_no_contact", fields=["to"])
    silent = ok(admin.post("/contacts", json={"last_name": "Sans courriel", "list_ids": [shared]}), 201)
    mute = ok(admin.post("/tasks", json={"type": "todo", "title": "Écrire", "contact_id": silent["id"],
                                         "due_at": "2025-07-01T13:00:00Z"}), 201)
    body = assert_problem(admin.post(f"/tasks/{mute['id']}/invite", json={"to": "contact"},
                                     headers={"Accept-Language": "fr"}), 409, code="task_invitation_no_email")
    assert body["errors"] == {"to": ["Le destinataire n'a pas d'adresse courriel."]}
    undated = ok(admin.post("/tasks", json={"type": "todo", "title": "Plus tard", "contact_id": contact["id"]}), 201)
    assert_problem(admin.post(f"/tasks/{undated['id']}/invite", json={"to": "contact"}), 409,
                   code="task_invitation_no_due_at", fields=["due_at"])
    message, = eventually(lambda: relay.to(member_user["email"]), what="the invitation delivered to the relay")
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
    assert str(event["UID"]) == f"task-{own['id']}@carnet"
    assert ok(admin.get(f"/tasks/{own['id']}/invitations"))[0]["status"] == "sent"

    # dashboard (D-1): the admin's tasks by type; a member may not ask for another user's
    board = ok(admin.get("/dashboard"))
    assert board["activities"]["meeting"] == 1 and board["activities"]["call"] == 1
    assert set(board["transactions"]) == {"won", "lost"}
    problem(member.get(f"/dashboard?user_id={task['assignee_id']}"), 403)
    problem(admin.get("/dashboard?from=2025-13-01"), 422, ["from"])

    ok(admin.delete(f"/tasks/{task['id']}"), 204)
    problem(admin.get(f"/tasks/{task['id']}"), 404)
