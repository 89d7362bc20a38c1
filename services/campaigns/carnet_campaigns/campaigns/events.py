"""Events of the campaigns area (``campaigns.<name>``), for the lead to merge into ``carnet_campaigns/events.py``.

- ``campaign_started``: a campaign's recipients were chosen and its status is ``sending`` (or a one-to-one e-mail was
  queued). Carries org_id, campaign_id, kind (campaign | single), recipients (how many), user_id (who sent it) and,
  for a one-to-one e-mail, contact_id. Consumers: none inside yet (the sender polls campaigns in status
  ``sending``); a contact's timeline may record a one-to-one e-mail from it.
- ``campaign_paused``, ``campaign_resumed``, ``campaign_cancelled``: a user moved a campaign's status. Carries
  org_id, campaign_id, status, user_id. Consumers: none yet (auditing).
"""
CAMPAIGN_STARTED = "campaign_started"
CAMPAIGN_PAUSED = "campaign_paused"
CAMPAIGN_RESUMED = "campaign_resumed"
CAMPAIGN_CANCELLED = "campaign_cancelled"
STATUS_EVENTS = {"pause": CAMPAIGN_PAUSED, "resume": CAMPAIGN_RESUMED, "cancel": CAMPAIGN_CANCELLED}


def campaign_started(*, org_id, campaign_id, kind, recipients, user_id, contact_id=None):
    data = {"org_id": org_id, "campaign_id": campaign_id, "kind": kind, "recipients": recipients,
            "user_id": user_id}
    if contact_id is not None:
        data["contact_id"] = contact_id
    return data


def campaign_status(*, org_id, campaign_id, status, user_id):
    return {"org_id": org_id, "campaign_id": campaign_id, "status": status, "user_id": user_id}
