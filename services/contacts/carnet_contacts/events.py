"""Events of the contacts service (``contacts.<name>``) and their payloads: ids plus what consumers read.

Every payload has ``org_id`` and ``actor_id``. Records: the full read (without normalised columns) and
either ``list_ids`` (created) or ``changed`` (updated: the field names).
"""
LIST_CREATED = "list_created"
LIST_UPDATED = "list_updated"
LIST_DELETED = "list_deleted"
LIST_GRANTS_CHANGED = "list_grants_changed"
CONTACT_CREATED = "contact_created"
CONTACT_UPDATED = "contact_updated"
CONTACT_DELETED = "contact_deleted"
ACCOUNT_CREATED = "account_created"
ACCOUNT_UPDATED = "account_updated"
ACCOUNT_DELETED = "account_deleted"
MEMBERSHIP_CHANGED = "membership_changed"


def list_payload(row, actor):
    return {"org_id": row["org_id"], "list_id": row["id"], "name": row["name"],
            "access_all_users": row["access_all_users"], "private": row["private"],
            "created_by": row["created_by"], "actor_id": actor["user_id"]}


def record_payload(read, actor, **extra):
    return {"org_id": actor["org_id"], "actor_id": actor["user_id"], "record": read, **extra}
