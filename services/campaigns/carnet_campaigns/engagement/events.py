"""Events of the engagement area (``campaigns.<name>``), to be merged into ``carnet_campaigns/events.py``.

contact_unsubscribed {org_id, contact_id (null: the address had no contact), email, campaign_id, recipient_id, at,
                      source (one_click | page)}: a recipient unsubscribed from a campaign's or one-to-one e-mail's
                      link (E-7). Consumed by contacts (unsubscribes/: the contact's ``subscribed`` becomes false,
                      its history says why); the suppression list already has the address (same transaction).
"""
CONTACT_UNSUBSCRIBED = "contact_unsubscribed"


def contact_unsubscribed_payload(recipient, *, at, source):
    return {"org_id": recipient["org_id"], "contact_id": recipient["contact_id"], "email": recipient["email"],
            "campaign_id": recipient["campaign_id"], "recipient_id": recipient["id"], "at": at.isoformat(),
            "source": source}
