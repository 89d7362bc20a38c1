"""Events of the opportunities service (``opportunities.<name>``) and their payloads.

opportunity_created / opportunity_updated  {org_id, actor_id, opportunity: {id, account_id, contact_id,
    stage_id, probability, total (decimal string), source, close_date, custom}}
    ``custom`` (C-14): the custom values a reader of the opportunity sees (not hidden, and of a product type
    the opportunity has a line of). It is absent when the event does not come from an edit of the opportunity
    (a contact's or account's delete or restore, C-10), which never changes the values: keep the last ones.
opportunity_deleted  {org_id, actor_id, opportunity_id, account_id, contact_id, version}
Consumers (contacts' per-contact summary for action criteria, C-12) key on the opportunity id; updated
carries the whole summary so the newest state wins.
"""
from carnet_opportunities import lines

OPPORTUNITY_CREATED = "opportunity_created"
OPPORTUNITY_UPDATED = "opportunity_updated"
OPPORTUNITY_DELETED = "opportunity_deleted"


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
