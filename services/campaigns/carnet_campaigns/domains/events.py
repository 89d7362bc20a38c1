"""Events of the domains area (merged into carnet_campaigns/events.py by the lead).

``campaigns.sending_domain_changed`` — a sending domain was added, checked, approved, refused or deleted. Consumers:
none inside the service yet (the builder reads ``usable_domains`` when it needs them); published so a later reader
(notifications, audit) learns when a domain becomes usable or stops being. Payload: ``org_id``, ``domain_id``,
``domain``, ``change`` (added | checked | approved | refused | deleted), ``verified``, ``approval``, ``usable``."""
SENDING_DOMAIN_CHANGED = "sending_domain_changed"


def sending_domain_changed(row, change):
    verified = row["verified_at"] is not None
    return {"org_id": row["org_id"], "domain_id": row["id"], "domain": row["domain"], "change": change,
            "verified": verified, "approval": row["approval"],
            "usable": change != "deleted" and verified and row["approval"] == "approved"}
