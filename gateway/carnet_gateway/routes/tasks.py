"""Tasks and the board (T-1, T-2, C-22), invitations (T-3) and the dashboard (D-1), served by the
opportunities service (``carnet_opportunities/tasks.py``).

Visibility is the service's (a linked task inherits the visibility of its contact, account and
opportunity; S-4 ``own_records_only``); the actor is the opportunities routes' one plus the organization's
time zone (times are shown in it, N-6) and the caller's language. Module permissions (tasks read/write/
delete, dashboard read) are declared beside each route. The assignee is checked against identity here
(a user of the caller's organization), and an invitation to the assignee carries their address as identity
has it at request time.
"""
from flask import Response, json

from carnet_common.errors import InvalidInput, NotFound
from carnet_gateway import problems
from carnet_gateway.api import api
from carnet_gateway.routes import opportunities as opportunities_routes
from carnet_gateway.routes.identity import rpc as identity_rpc
from carnet_gateway.schemas import tasks as s

TASKS, DASHBOARD = ("tasks",), ("dashboard",)
READ_ERRORS = (401, 403, 404)
WRITE_ERRORS = (401, 403, 404, 422)


def rpc(method, *args):
    return opportunities_routes.rpc(method, *args)


def actor(call):
    organization = call.principal.get("organization") or {}
    return {**opportunities_routes.actor(call), "timezone": organization.get("timezone") or "America/Toronto",
            "language": problems.language()}


def _user(call, user_id):
    """The organization's user ``user_id`` as identity has it, or None."""
    try:
        return identity_rpc("get_user", call.actor, user_id)
    except NotFound:
        return None


def _check_assignee(call, body):
    assignee_id = body.get("assignee_id")
    if assignee_id and assignee_id != call.principal["user"]["id"] and _user(call, assignee_id) is None:
        raise InvalidInput(errors={"assignee_id": ["task_assignee_unknown"]})


@api.route("/tasks", "GET", query=s.TaskQuery, response=s.TaskListRead, permission=("tasks", "read"), tags=TASKS,
           errors=(401, 403, 422), summary="Tasks the caller may see, soonest due first; `view=board` groups "
                                           "them in columns todo, in_progress, done (T-2)")
def list_tasks(call):
    result = rpc("list_tasks", actor(call), call.query)
    if call.query.get("view") == "board":  # its own shape: dumped here, not as a page
        return Response(json.dumps(s.TaskBoardRead().dump(result), ensure_ascii=False), mimetype="application/json")
    return result


@api.route("/tasks", "POST", body=s.TaskCreate, response=s.TaskRead, status=201, permission=("tasks", "write"),
           tags=TASKS, errors=WRITE_ERRORS, summary="Create a task, optionally linked to a contact, an account "
                                                    "and/or an opportunity the caller sees (T-1, C-22)")
def create_task(call):
    _check_assignee(call, call.body)
    return rpc("create_task", actor(call), call.body)


@api.route("/tasks/{task_id}", "GET", response=s.TaskRead, permission=("tasks", "read"), tags=TASKS,
           errors=READ_ERRORS, summary="One task")
def get_task(call):
    return rpc("get_task", actor(call), call.path["task_id"])


@api.route("/tasks/{task_id}", "PATCH", body=s.TaskUpdate, response=s.TaskRead, permission=("tasks", "write"),
           tags=TASKS, errors=WRITE_ERRORS, summary="Change a task; moving it on the board is one PATCH of "
                                                    "`status` (T-2)")
def update_task(call):
    _check_assignee(call, call.body)
    return rpc("update_task", actor(call), call.path["task_id"], call.body)


@api.route("/tasks/{task_id}", "DELETE", status=204, permission=("tasks", "delete"), tags=TASKS,
           errors=READ_ERRORS, summary="Delete a task")
def delete_task(call):
    rpc("delete_task", actor(call), call.path["task_id"])


@api.route("/tasks/{task_id}/invite", "POST", body=s.InvitationCreate, response=s.InvitationRead, status=202,
           permission=("tasks", "write"), tags=TASKS, errors=WRITE_ERRORS,
           summary="Email the task as a calendar invitation (.ics, METHOD:REQUEST) to its assignee or its "
                   "contact (T-3); sent in the background, at most once, retried while the relay refuses it")
def invite_task(call):
    data = dict(call.body)
    if data["to"] == "assignee":
        task = rpc("get_task", actor(call), call.path["task_id"])
        user = _user(call, task["assignee_id"])
        if user is None or not user.get("email"):
            raise InvalidInput(errors={"to": ["task_invitation_no_email"]})
        data["recipient"] = {"email": user["email"], "name": user.get("full_name") or None,
                             "language": user.get("language") or "fr"}
    return rpc("invite_task", actor(call), call.path["task_id"], data)


@api.route("/tasks/{task_id}/invitations", "GET", response=s.InvitationRead, many=True,
           permission=("tasks", "read"), tags=TASKS, errors=READ_ERRORS,
           summary="The task's invitations and their delivery status")
def list_task_invitations(call):
    return rpc("list_task_invitations", actor(call), call.path["task_id"])


@api.route("/dashboard", "GET", query=s.DashboardQuery, response=s.DashboardRead, permission=("dashboard", "read"),
           tags=DASHBOARD, errors=(401, 403, 422),
           summary="Pipeline of open opportunities by stage, won/lost in the period by close date, tasks "
                   "created in the period by type (D-1); own records only for users so limited (S-4)")
def get_dashboard(call):
    return rpc("get_dashboard", actor(call), call.query)
