"""Events of the opportunities service (``opportunities.<name>``) and their payloads, written through the outbox
with the change and published after commit (N-3). ``tests/contract/snapshots/opportunities_events.json`` holds
their shapes; contacts consumes every one of them.

opportunity_created / opportunity_updated  {org_id, actor_id, opportunity: {id, account_id, contact_id,
    stage_id, probability, total (decimal string), source, version, rep1_id, rep2_id, close_date, custom}}
    ``custom`` (C-14): the custom values a reader of the opportunity sees (not hidden, and of a product type
    the opportunity has a line of). It is absent when the event does not come from an edit of the opportunity
    (a contact's or account's delete or restore, C-10), which never changes the values: keep the last ones.
opportunity_deleted  {org_id, actor_id, opportunity_id, account_id, contact_id, version}
    Consumers (contacts' per-contact summary for action criteria, C-12) key on the opportunity id; updated
    carries the whole summary so the newest state wins.

task_created / task_updated / task_deleted  {id, org_id, type, status, assignee_id, contact_id, account_id,
    opportunity_id, created_by, version, actor_id}
    Thin but sufficient for the contacts' action criteria (C-12, "has a task of type … (status …)"): ids, type,
    status, links, assignee and author (S-4: contacts counts a limited user's own tasks only). ``version`` lets a
    consumer keep the newest state only.

``actor_id`` is None for what contacts' purge timer set off (C-10): nobody asked for it.
"""
from carnet_opportunities.opportunities import lines

OPPORTUNITY_CREATED = "opportunity_created"
OPPORTUNITY_UPDATED = "opportunity_updated"
OPPORTUNITY_DELETED = "opportunity_deleted"
TASK_CREATED = "task_created"
TASK_UPDATED = "task_updated"
TASK_DELETED = "task_deleted"


def opportunity_payload(row, actor_id, *, custom=None):
    summary = {
        "id": row["id"], "account_id": row["account_id"], "contact_id": row["contact_id"],
        "stage_id": row["stage_id"], "probability": row["probability"], "total": lines.money(row["total"]),
        "source": row["source"], "version": row["version"], "rep1_id": row["rep1_id"], "rep2_id": row["rep2_id"],
        "close_date": row["close_date"].isoformat() if row["close_date"] else None}
    if custom is not None:
        summary["custom"] = custom
    return {"org_id": row["org_id"], "actor_id": actor_id, "opportunity": summary}


def deleted_payload(row, actor_id):
    return {"org_id": row["org_id"], "actor_id": actor_id, "opportunity_id": row["id"],
            "account_id": row["account_id"], "contact_id": row["contact_id"], "version": row["version"]}


def task_payload(row, actor_id):
    return {"id": row["id"], "org_id": row["org_id"], "type": row["type"], "status": row["status"],
            "assignee_id": row["assignee_id"], "contact_id": row["contact_id"], "account_id": row["account_id"],
            "opportunity_id": row["opportunity_id"], "created_by": row["created_by"], "version": row["version"],
            "actor_id": actor_id}
