"""Events about tasks (``opportunities.task_*``), published through the outbox after commit (N-3).

Thin but sufficient for the contacts' action criteria (C-12, "has a task of type … (status …)"):
ids, type, status, links, assignee and author (S-4: contacts counts a limited user's own tasks only).
``version`` lets a consumer keep the newest state only.
"""
TASK_CREATED = "task_created"
TASK_UPDATED = "task_updated"
TASK_DELETED = "task_deleted"


def payload(row, actor):
    return {"id": row["id"], "org_id": row["org_id"], "type": row["type"], "status": row["status"],
            "assignee_id": row["assignee_id"], "contact_id": row["contact_id"], "account_id": row["account_id"],
            "opportunity_id": row["opportunity_id"], "created_by": row["created_by"], "version": row["version"],
            "actor_id": actor["user_id"]}
