"""Read models fed by other services' events. Each handler runs inside the Inbox's transaction, so each event is
applied once (a redelivery is recorded as a duplicate and changes nothing); no rule here reads another schema.

Users (identity's ``user_created`` / ``user_updated``): the names the ``r1:`` and ``r2:`` searches match (C-11);
newer facts win (``updated_at``), so an update delivered before its creation, or twice, changes nothing.

Opportunity summaries (opportunities area of issue 5, C-12 "has an opportunity at stage …", "… with total > …"):
one row per opportunity from ``opportunity_created/updated/deleted``; the newest ``version`` wins, and a delete is
kept as a tombstone so a late update cannot bring it back (a restored opportunity comes back with a newer
version). The reps come from the event's opportunity (``rep1_id``, ``rep2_id``) so that ``own_records_only``
(S-4) counts only a caller's own; an event without them leaves the opportunity nobody's, which a limited caller
does not count (records/repository/summary_visibility.py).

Task summaries (C-12 "has a task of type … (status …)"): one row per task from ``task_created/updated/deleted``
(id, org, type, status, links, version), kept like the opportunities' (tasks have no restore; one would come
with a newer version). Who may count a task (S-4): the summary keeps its assignee (``assignee_id`` of every
event) and its author, the actor of ``task_created``, kept whatever order the events arrive in and never
changed by later events.

Whose tasks (records/repository/criteria.py ``task_action``): a contact has the tasks naming it (``contact_id``),
an account the tasks naming it (``account_id``). Unlike opportunities (O-1: shown on each contact of the
account), a contact does not inherit its account's tasks: a call or a note (C-22) is with or about one person,
and a contact that changes jobs leaves its tasks on the old account (C-7). ``account.task`` reaches the
account's tasks from a contact when that is what a filter means.
"""
from datetime import datetime
from decimal import Decimal

from carnet_contacts import norms
from carnet_contacts.readmodels import repository

# Users (r1:/r2:, C-11) ------------------------------------------------------------------------------------

def record_user(session, data):
    """identity.user_created / user_updated → the names r1: and r2: search."""
    repository.upsert_rep_user(session, {
        "id": data["id"], "org_id": data["org_id"], "username": data["username"],
        "full_name": data["full_name"], "name_norm": norms.fold_all(data["username"], data["full_name"]),
        "updated_at": datetime.fromisoformat(data["updated_at"])})


# Opportunity summaries (C-12) ------------------------------------------------------------------------------

def opportunity_changed(session, data):
    """opportunity_created / opportunity_updated: stored when newer than what is kept."""
    o = data["opportunity"]
    repository.upsert_opportunity_summary(session, o["id"], {
        "org_id": data["org_id"], "account_id": o["account_id"], "contact_id": o.get("contact_id"),
        "stage_id": o["stage_id"], "probability": o["probability"], "total": Decimal(o["total"]),
        "rep1_id": o.get("rep1_id"), "rep2_id": o.get("rep2_id"), "version": o["version"], "deleted": False})


def opportunity_deleted(session, data):
    """opportunity_deleted: a tombstone at the opportunity's last version."""
    repository.tombstone_opportunity_summary(session, data["opportunity_id"], {
        "org_id": data["org_id"], "account_id": data["account_id"], "contact_id": data.get("contact_id"),
        "stage_id": "", "probability": 0, "total": Decimal(0), "version": data.get("version") or 0,
        "deleted": True})


# Task summaries (C-12) -------------------------------------------------------------------------------------

def _task_values(data, *, deleted):
    return {"org_id": data["org_id"], "contact_id": data.get("contact_id"), "account_id": data.get("account_id"),
            "opportunity_id": data.get("opportunity_id"), "type": data["type"], "status": data["status"],
            "assignee_id": data["assignee_id"], "version": data["version"], "deleted": deleted}


def task_changed(session, data):
    """task_updated: stored when newer than what is kept (never over a tombstone of the same version)."""
    repository.upsert_task_summary(session, data["id"], _task_values(data, deleted=False))


def task_created(session, data):
    """task_created: stored like an update, and its author recorded once (even behind a newer update or a
    tombstone)."""
    task_changed(session, data)
    repository.set_task_author(session, data["id"], data.get("created_by") or data["actor_id"])


def task_deleted(session, data):
    """task_deleted: a tombstone at the task's last version, which wins over every update of that version or
    older."""
    repository.tombstone_task_summary(session, data["id"], _task_values(data, deleted=True))
