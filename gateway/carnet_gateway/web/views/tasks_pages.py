"""Tasks (T-1, T-2, T-3): the list, the board with drag and drop and its keyboard "Move to…" form, the task's page
with its invitations, the create and edit forms, the delete confirmation.

Every read and write is the ``/api/v1`` operation (``calls.run``): the list is ``GET /tasks``, the board
``GET /tasks/board``, a move one ``PATCH /tasks/{id}`` of ``status`` (T-2). Due times are the organization's
(N-6): the API answers them with the organization's offset; the form's ``datetime-local`` value is read in the
organization's time zone (``me.organization.timezone``) and sent as ISO 8601 with that offset.

The board's island (``static/js/islands/task-board.js``) posts a move to the same route as the keyboard form, with
the header ``X-Carnet-Island``: it is answered in JSON (the new status, or the API's message) instead of a 303.
"""
import datetime as dt
from zoneinfo import ZoneInfo

from flask import jsonify, redirect, render_template, request, url_for

from carnet_common.errors import CarnetError
from carnet_contracts.permissions import may, may_field
from carnet_contracts.tasks import RECIPIENTS, STATUSES, TYPES
from carnet_gateway.web import blueprint, calls, forms, session
from carnet_gateway.web.pages import flash

ISLAND_HEADER = "X-Carnet-Island"
BOARD_PER_PAGE = 100  # tasks per column on one page of the board
DEFAULT_TIMEZONE = "America/Toronto"
LIST_FILTERS = ("status", "type", "assignee_id", "contact_id", "account_id", "opportunity_id")
FORM_FIELDS = ("title", "type", "status", "due_at", "assignee_id", "description", "contact_id", "account_id",
               "opportunity_id")
# Errors a form shows on the page it was posted from; any other (404 of another organization's task...) is a page.
SHOWN_ON_FORM = (403, 409, 422, 429)


# Time zone (N-6) --------------------------------------------------------------------------------------------------

def _timezone():
    name = ((session.principal() or {}).get("organization") or {}).get("timezone") or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_input(value):
    """The API's ISO 8601 time as a ``datetime-local`` value in the organization's time zone ("" for none)."""
    if not value:
        return ""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(_timezone())
    return parsed.strftime("%Y-%m-%dT%H:%M")


def aware_text(value):
    """A ``datetime-local`` value read in the organization's time zone, as ISO 8601 with its offset. A value that
    is no such time goes to the API as it is: its 422 names the field (``task_datetime_with_offset``)."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_timezone())
    return parsed.isoformat(timespec="seconds")


def day_start(value):
    """A ``date`` filter value: the start of that day in the organization's time zone, with its offset."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return dt.datetime.combine(day, dt.time(), tzinfo=_timezone()).isoformat(timespec="seconds")


# What the pages show besides tasks --------------------------------------------------------------------------------

def _users():
    """Active users of the organization (``GET /users``), for the assignee select and names."""
    try:
        return calls.run("GET", "/users", query={"per_page": "200", "active": "true"})["items"]
    except CarnetError:
        return []


def _user_names(users):
    return {user["id"]: user.get("full_name") or user.get("username") or user["id"] for user in users}


def _records(module, label):
    """The first records of ``module`` the user sees, for the link selects (none when the role may not read it)."""
    if not may(session.principal(), module, "read"):
        return []
    try:
        page = calls.run("GET", f"/{module}", query={"per_page": "200"})
    except CarnetError:
        return []
    return [(record["id"], label(record)) for record in page.get("items", [])]


def _contact_label(record):
    name = " ".join(part for part in (record.get("first_name"), record.get("last_name")) if part)
    return name or record["id"]


def _account_label(record):
    return record.get("name") or record["id"]


def _linked(task):
    """Names of the task's contact, account and opportunity the user may read (the API's own answers)."""
    reads = {"contact_id": ("contacts", "/contacts/{contact_id}", _contact_label),
             "account_id": ("accounts", "/accounts/{account_id}", _account_label),
             "opportunity_id": ("opportunities", "/opportunities/{opportunity_id}",
                                lambda record: record.get("name") or record.get("title") or record["id"])}
    linked = {}
    for key, (module, path, label) in reads.items():
        if not task.get(key):
            continue
        name = None
        if may(session.principal(), module, "read"):
            try:
                name = label(calls.run("GET", path, **{key: task[key]}))
            except CarnetError:
                name = None
        linked[key] = {"url": f"/app/{module}/{task[key]}", "name": name or task[key]}
    return linked


def _common(users=None):
    """What every task page shows besides its own data: the buttons the role may use (the API decides; a button it
    would refuse is hidden), the time zone of due times, the users' names."""
    principal = session.principal()
    users = _users() if users is None else users
    return {"can_write": may(principal, "tasks", "write"), "can_delete": may(principal, "tasks", "delete"),
            # The list's columns: a field the role may not read is absent from every task the API answers.
            "columns": [name for name in ("type", "status", "due_at", "assignee_id")
                        if may_field(principal, "tasks", name, "read")],
            "timezone": _timezone().key, "names": _user_names(users),
            "assignees": [(user["id"], user.get("full_name") or user.get("username")) for user in users]}


def _choices(prefix, values):
    from carnet_gateway.web.i18n import t
    return [(value, t(f"{prefix}.{value}")) for value in values]


def _status_label(status):
    from carnet_gateway.web.i18n import t
    return t(f"tasks.status.{status}") if status in STATUSES else status


# The list ---------------------------------------------------------------------------------------------------------

def _filters():
    """The filters of the list's (or the board's) URL as the API's query."""
    query = {key: request.args[key] for key in LIST_FILTERS if request.args.get(key)}
    if request.args.get("due_before"):
        query["due_before"] = day_start(request.args["due_before"])
    return query


@blueprint.get("/tasks")
@session.login_required
def tasks_list():
    query = _filters()
    args = {key: request.args[key] for key in (*LIST_FILTERS, "due_before") if request.args.get(key)}
    if request.args.get("page"):
        query["page"] = request.args["page"]
    page, message, errors, status = None, "", {}, 200
    try:
        page = calls.run("GET", "/tasks", query=query)
    except CarnetError as exc:
        if exc.status != 422:
            raise
        message, errors, status = forms.summary(exc), forms.field_errors(exc), 422
    return render_template("tasks/list.html", page=page, args=args, message=message, errors=errors,
                           statuses=_choices("tasks.status", STATUSES), types=_choices("tasks.type", TYPES),
                           **_common()), status


# The board (T-2) ------------------------------------------------------------------------------------------------

@blueprint.get("/tasks/board")
@session.login_required
def tasks_board():
    query = _filters()
    args = {key: request.args[key] for key in (*LIST_FILTERS, "due_before") if request.args.get(key)}
    query["per_page"] = str(BOARD_PER_PAGE)
    page = request.args.get("page", "1")
    query["page"] = page
    board = calls.run("GET", "/tasks/board", query=query)
    number = int(page) if page.isdigit() else 1
    more = any(column.get("total", 0) > number * BOARD_PER_PAGE for column in board["columns"])
    pages = {"previous": number - 1 if number > 1 else None, "next": number + 1 if more else None}
    return render_template("tasks/board.html", board=board, args=args, pages=pages,
                           statuses=_choices("tasks.status", STATUSES), types=_choices("tasks.type", TYPES),
                           next_url=request.full_path.rstrip("?"), **_common())


def _back_to_board():
    target = request.form.get("next", "")
    if target.startswith("/app/tasks") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.tasks_board")


@blueprint.post("/tasks/<task_id>/move")
@session.login_required
def tasks_move(task_id):
    """A move on the board: one ``PATCH /tasks/{id}`` of ``status`` (T-2). The keyboard form gets a 303 back to
    the board; the island (header ``X-Carnet-Island``) gets JSON."""
    island = bool(request.headers.get(ISLAND_HEADER))
    status = forms.text("status")
    try:
        task = calls.run("PATCH", "/tasks/{task_id}", task_id=task_id, body={"status": status})
    except CarnetError as exc:
        if island:
            return jsonify({"message": forms.summary(exc), "errors": forms.field_errors(exc)}), exc.status
        raise
    if island:
        from carnet_gateway.web.i18n import t
        return jsonify({"status": task.get("status", status),
                        "message": t("tasks.moved_to", title=task.get("title", ""),
                                     column=_status_label(task.get("status", status)))})
    flash("tasks.moved")
    return redirect(_back_to_board(), 303)


# The task's page, its invitations (T-3) ---------------------------------------------------------------------------

def _task_page(task_id, *, message="", errors=None, status=200):
    task = calls.run("GET", "/tasks/{task_id}", task_id=task_id)
    try:
        invitations = calls.run("GET", "/tasks/{task_id}/invitations", task_id=task_id)
    except CarnetError:
        invitations = None
    return render_template("tasks/task.html", task=task, invitations=invitations, linked=_linked(task),
                           message=message, errors=errors or {}, recipients=_choices("tasks.to", RECIPIENTS),
                           **_common()), status


@blueprint.get("/tasks/<task_id>")
@session.login_required
def task_page(task_id):
    return _task_page(task_id)


@blueprint.post("/tasks/<task_id>/invite")
@session.login_required
def task_invite(task_id):
    try:
        answer = calls.run("POST", "/tasks/{task_id}/invite", task_id=task_id, body={"to": forms.text("to")})
    except CarnetError as exc:
        errors, message = forms.shown(exc, SHOWN_ON_FORM)
        return _task_page(task_id, message=message, errors=errors, status=exc.status)
    flash("tasks.invitation_duplicate" if answer.get("duplicate") else "tasks.invitation_requested")
    return redirect(url_for("web.task_page", task_id=task_id), 303)


# Create and edit ------------------------------------------------------------------------------------------------

def _form_values(task):
    values = {name: task.get(name) or "" for name in FORM_FIELDS if name in task}
    if "due_at" in values:
        values["due_at"] = local_input(task.get("due_at"))
    return values


def _posted():
    return {name: forms.text(name) for name in FORM_FIELDS if name in request.form}


def _body(values):
    body = dict(values)
    if "due_at" in body:
        body["due_at"] = aware_text(body["due_at"])
    return body


def _form(task, values, *, message="", errors=None, status=200):
    common = _common()
    assignees = common.pop("assignees")
    if values.get("assignee_id") and values["assignee_id"] not in {uid for uid, _ in assignees}:
        assignees.append((values["assignee_id"], values["assignee_id"]))
    contacts = [("", "—")] + _records("contacts", _contact_label)
    accounts = [("", "—")] + _records("accounts", _account_label)
    for key, choices in (("contact_id", contacts), ("account_id", accounts)):
        if values.get(key) and values[key] not in {value for value, _ in choices}:
            choices.append((values[key], values[key]))
    # The fields the form offers: those the role may write (and, editing, read: the API left the others out).
    principal = session.principal()
    shown = [name for name in FORM_FIELDS if may_field(principal, "tasks", name, "write")
             and (task is None or name in values)]
    return render_template("tasks/form.html", task=task, values=values, shown=shown, message=message,
                           errors=errors or {},
                           assignees=assignees, contacts=contacts, accounts=accounts,
                           statuses=_choices("tasks.status", STATUSES), types=_choices("tasks.type", TYPES),
                           **common), status


@blueprint.get("/tasks/new")
@session.login_required
def task_new():
    me = session.principal()
    values = {"type": request.args.get("type", "todo"), "status": "todo", "assignee_id": me["user"]["id"],
              **{key: request.args.get(key, "") for key in ("contact_id", "account_id", "opportunity_id")}}
    return _form(None, values)


@blueprint.post("/tasks/new")
@session.login_required
def task_create():
    values = _posted()
    body = {key: value for key, value in _body(values).items() if value not in ("", None)}
    try:
        task = calls.run("POST", "/tasks", body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, SHOWN_ON_FORM)
        return _form(None, values, message=message, errors=errors, status=exc.status)
    flash("tasks.created")
    return redirect(url_for("web.task_page", task_id=task["id"]), 303)


@blueprint.get("/tasks/<task_id>/edit")
@session.login_required
def task_edit(task_id):
    task = calls.run("GET", "/tasks/{task_id}", task_id=task_id)
    return _form(task, _form_values(task))


@blueprint.post("/tasks/<task_id>/edit")
@session.login_required
def task_update(task_id):
    task = calls.run("GET", "/tasks/{task_id}", task_id=task_id)
    values = _posted()
    body = _body(forms.changed(_form_values(task), values))
    try:
        if body:
            calls.run("PATCH", "/tasks/{task_id}", task_id=task_id, body=body)
    except CarnetError as exc:
        errors, message = forms.shown(exc, SHOWN_ON_FORM)
        return _form(task, values, message=message, errors=errors, status=exc.status)
    flash("tasks.saved")
    return redirect(url_for("web.task_page", task_id=task_id), 303)


@blueprint.get("/tasks/<task_id>/delete")
@session.login_required
def task_delete_confirm(task_id):
    task = calls.run("GET", "/tasks/{task_id}", task_id=task_id)
    return render_template("tasks/delete.html", task=task, **_common([]))


@blueprint.post("/tasks/<task_id>/delete")
@session.login_required
def task_delete(task_id):
    calls.run("DELETE", "/tasks/{task_id}", task_id=task_id)
    flash("tasks.deleted")
    return redirect(url_for("web.tasks_list"), 303)
