"""Events of the domains area (merged into carnet_campaigns/events.py by the lead).

``campaigns.sending_domain_changed`` — a sending domain was added, checked, approved, refused or deleted. NOT
PUBLISHED yet: nobody consumes it (the other areas call ``usecases.usable_domains``/``check_sender`` in the same
service), and the outbox counts an event without a bound queue as unroutable. When a reader appears (notifications,
audit), the use cases add it to the outbox with this payload. Payload: ``org_id``, ``domain_id``,
``domain``, ``change`` (added | checked | approved | refused | deleted), ``verified``, ``approval``, ``usable``."""
SENDING_DOMAIN_CHANGED = "sending_domain_changed"


def sending_domain_changed(row, change):
    verified = row["verified_at"] is not None
    return {"org_id": row["org_id"], "domain_id": row["id"], "domain": row["domain"], "change": change,
            "verified": verified, "approval": row["approval"],
            "usable": change != "deleted" and verified and row["approval"] == "approved"}
