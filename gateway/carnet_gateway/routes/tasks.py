"""Tasks and the board (T-1, T-2, C-22), invitations (T-3) and the dashboard (D-1), served by the
opportunities service (``carnet_opportunities/tasks/entrypoints.py``).

Visibility is the service's (a linked task inherits the visibility of its contact, account and
opportunity; S-4 ``own_records_only``); the actor (``actors.TASKS``) is the opportunities one plus the
organization's time zone (times are shown in it, N-6). Module permissions (tasks read/write/delete,
dashboard read) are declared beside each route. The assignee is checked against identity here (an active user of
the caller's organization, ``user_refs.py``), and an invitation to the assignee carries their address as identity
has it at request time. Invitations are e-mails: an organization whose plan has no e-mails module (S-7) is refused
(403); their quotas and the one send per address and task version are the service's (issue 10 §2); a contact's
address is not shown to a role that may not read ``contacts.email`` (``shown_invitation``, S-3).

Field permissions (S-3, ``carnet_contracts.permissions``) on ``tasks.<field>``: an unreadable field is left out of
every task shown (list, board, read, create, update), writing an unwritable one is a 403 naming it, a filter over an
unreadable one is a 403 naming it (the board, which groups by ``status``, needs ``status``). The dashboard leaves out
the figures built from fields the caller may not read (``_readable_dashboard``).
"""
import re

from carnet_common.errors import Conflict, Forbidden, NotFound
from carnet_contracts import permissions
from carnet_gateway import actors, services, user_refs
from carnet_gateway.api import INPUT_ERRORS, READ_ERRORS, SEARCH_ERRORS, api
from carnet_gateway.schemas import tasks as s

TASKS, DASHBOARD = ("tasks",), ("dashboard",)


# Field permissions (S-3) --------------------------------------------------------------------------------------

MODULE = "tasks"
ALWAYS_READABLE = ("id", "version", "created_at", "updated_at")
# The fields each filter of the list and the board selects on.
QUERY_FIELDS = {"assignee_id": ("assignee_id",), "contact_id": ("contact_id",), "account_id": ("account_id",),
                "opportunity_id": ("opportunity_id",), "due_before": ("due_at",), "status": ("status",),
                "type": ("type",)}


def readable(principal, task):
    """``task`` without the fields the caller's role may not read."""
    return permissions.readable(principal, MODULE, task, s.TaskRead._declared_fields, always=ALWAYS_READABLE)


def check_writable(principal, body):
    permissions.refuse_unwritable(principal, MODULE, list(body))


def readable_fields(principal):
    """The task fields the role may read: without ``due_at`` the list and board are ordered by creation."""
    return permissions.readable_names(principal, MODULE, list(s.TaskRead._declared_fields))


def check_query(principal, query, *, board=False):
    """403 naming the field a filter of ``query`` (the board: its columns too) selects on when it is unreadable."""
    asked = {key: QUERY_FIELDS[key] for key in query if key in QUERY_FIELDS}
    if board:
        asked.setdefault("status", QUERY_FIELDS["status"])
    permissions.refuse_unreadable(principal, MODULE, asked)


def _readable_dashboard(principal, dashboard):
    """D-1 without the figures built from a field the caller may not read: the pipeline is by stage (its amounts
    from ``opportunities.total``), transactions by stage and close date (amounts from the total), activities by
    task type."""
    def may_read(module, *names):
        return all(permissions.may_field(principal, module, name, "read") for name in names)
    shown = {key: dashboard[key] for key in ("user_id", "from", "to") if key in dashboard}
    amounts = may_read("opportunities", "total")
    if "pipeline" in dashboard and may_read("opportunities", "stage_id"):
        shown["pipeline"] = [{key: value for key, value in row.items()
                              if amounts or key not in ("total", "weighted_total")} for row in dashboard["pipeline"]]
    if "transactions" in dashboard and may_read("opportunities", "stage_id", "close_date"):
        shown["transactions"] = {name: {key: value for key, value in figures.items() if amounts or key != "total"}
                                 for name, figures in dashboard["transactions"].items()}
    if "activities" in dashboard and may_read("tasks", "type"):
        shown["activities"] = dashboard["activities"]
    return shown


def _user(call, user_id):
    """The organization's user ``user_id`` as identity has it, or None."""
    try:
        return services.identity.call("get_user", call.actor(), user_id)
    except NotFound:
        return None


def _assignee(body):
    return {"assignee_id": body["assignee_id"]} if "assignee_id" in body else {}


@api.route("/tasks", "GET", query=s.TaskQuery, response=s.TaskListRead, permission=("tasks", "read"), tags=TASKS,
           errors=SEARCH_ERRORS, summary="Tasks the caller may see, soonest due first (T-1)")
def list_tasks(call):
    check_query(call.principal, call.query)
    page = services.opportunities.call("list_tasks", call.actor(actors.TASKS), call.query,
                                       readable_fields(call.principal))
    return {**page, "items": [readable(call.principal, task) for task in page["items"]]}


@api.route("/tasks/board", "GET", query=s.TaskBoardQuery, response=s.TaskBoardRead, permission=("tasks", "read"),
           tags=TASKS, errors=SEARCH_ERRORS,
           summary="The tasks the caller may see in columns todo, in_progress, done, soonest due first in each; "
                   "moving a task is one PATCH of its `status` (T-2)")
def get_task_board(call):
    check_query(call.principal, call.query, board=True)
    board = services.opportunities.call("list_tasks", call.actor(actors.TASKS), {**call.query, "view": "board"},
                                        readable_fields(call.principal))
    return {**board, "columns": [{**column, "items": [readable(call.principal, task) for task in column["items"]]}
                                 for column in board["columns"]]}


@api.route("/tasks", "POST", body=s.TaskCreate, response=s.TaskRead, status=201, permission=("tasks", "write"),
           tags=TASKS, errors=INPUT_ERRORS, summary="Create a task, optionally linked to a contact, an account "
                                                    "and/or an opportunity the caller sees (T-1, C-22)")
def create_task(call):
    check_writable(call.principal, call.body)
    user_refs.check_users(call, _assignee(call.body))
    return readable(call.principal, services.opportunities.call("create_task", call.actor(actors.TASKS), call.body))


@api.route("/tasks/{task_id}", "GET", response=s.TaskRead, permission=("tasks", "read"), tags=TASKS,
           errors=READ_ERRORS, summary="One task")
def get_task(call):
    return readable(call.principal, services.opportunities.call("get_task", call.actor(actors.TASKS),
                                                                call.path["task_id"]))


@api.route("/tasks/{task_id}", "PATCH", body=s.TaskUpdate, response=s.TaskRead, permission=("tasks", "write"),
           tags=TASKS, errors=INPUT_ERRORS, summary="Change a task; moving it on the board is one PATCH of "
                                                    "`status` (T-2)")
def update_task(call):
    check_writable(call.principal, call.body)
    actor = call.actor(actors.TASKS)
    user_refs.check_users(call, _assignee(call.body),
                          held=lambda: services.opportunities.call("get_task", actor, call.path["task_id"]))
    return readable(call.principal, services.opportunities.call("update_task", actor, call.path["task_id"], call.body))


@api.route("/tasks/{task_id}", "DELETE", status=204, permission=("tasks", "delete"), tags=TASKS,
           errors=READ_ERRORS, summary="Delete a task")
def delete_task(call):
    services.opportunities.call("delete_task", call.actor(actors.TASKS), call.path["task_id"])


def shown_invitation(principal, invitation):
    """``invitation`` without the contact's address for a role that may not read ``contacts.email`` (S-3, issue 10
    §1): the contact was invited, the caller is not told where, nor by the relay's answer (``last_error``, which
    may quote the address)."""
    if invitation["to"] != "contact" or permissions.may_field(principal, "contacts", "email", "read"):
        return {**invitation, "email_hidden": False}
    error = invitation.get("last_error")
    if error and invitation.get("email"):
        error = re.sub(re.escape(invitation["email"]), "…", error, flags=re.IGNORECASE)
    return {**invitation, "email": None, "email_hidden": True, "last_error": error}


@api.route("/tasks/{task_id}/invite", "POST", body=s.InvitationCreate, response=s.InvitationRequested, status=202,
           permission=("tasks", "write"), tags=TASKS, errors=INPUT_ERRORS + (429,),
           summary="Email the task as a calendar invitation (.ics, METHOD:REQUEST) to its assignee or its "
                   "contact (T-3); sent in the background, at most once, retried while the relay refuses it. Once "
                   "per address and task version (`duplicate`); 403 when the plan has no e-mails module (S-7); 429 "
                   "past the quotas of the last 24 hours: addresses per task, invitations per user and organization")
def invite_task(call):
    organization = call.principal.get("organization") or {}
    if not (organization.get("limits") or {}).get("emails"):
        raise Forbidden("task_invitation_plan", params={"plan": organization.get("plan")})
    actor, data = call.actor(actors.TASKS), dict(call.body)
    if data["to"] == "assignee":
        task = services.opportunities.call("get_task", actor, call.path["task_id"])
        user = _user(call, task["assignee_id"])
        if user is None or not user.get("email"):
            raise Conflict("task_invitation_no_email", errors={"to": ["task_invitation_no_email"]})  # issue 10 §5
        data["recipient"] = {"email": user["email"], "name": user.get("full_name") or None,
                             "language": user.get("language") or "fr"}
    invitation = services.opportunities.call("invite_task", actor, call.path["task_id"], data)
    return shown_invitation(call.principal, invitation)


@api.route("/tasks/{task_id}/invitations", "GET", response=s.InvitationRead, many=True,
           permission=("tasks", "read"), tags=TASKS, errors=READ_ERRORS,
           summary="The task's invitations and their delivery status")
def list_task_invitations(call):
    invitations = services.opportunities.call("list_task_invitations", call.actor(actors.TASKS), call.path["task_id"])
    return [shown_invitation(call.principal, invitation) for invitation in invitations]


@api.route("/dashboard", "GET", query=s.DashboardQuery, response=s.DashboardRead, permission=("dashboard", "read"),
           tags=DASHBOARD, errors=SEARCH_ERRORS,
           summary="Pipeline of open opportunities by stage, won/lost in the period by close date, tasks "
                   "created in the period by type (D-1); own records only for users so limited (S-4)")
def get_dashboard(call):
    return _readable_dashboard(call.principal, services.opportunities.call("get_dashboard", call.actor(actors.TASKS),
                                                                           call.query))
