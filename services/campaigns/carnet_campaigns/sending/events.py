"""Events of the sending area (``campaigns.<name>``; the lead merges them into carnet_campaigns/events.py).

- ``campaign_finished``: a campaign (or one-to-one e-mail) has no recipient left to send; for its page and the
  engagement report. {org_id, campaign_id, kind, contact_id, finished_at, counts: {state: n}}
- ``recipient_bounced``: the relay refused an address for good at RCPT (5xx): the address is on the organization's
  suppression list (reason bounce). For the contact's e-mails tab. {org_id, campaign_id, recipient_id, contact_id,
  email, code, at}
"""
CAMPAIGN_FINISHED = "campaign_finished"
RECIPIENT_BOUNCED = "recipient_bounced"


def _iso(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def campaign_finished(row):
    return {"org_id": row["org_id"], "campaign_id": row["id"], "kind": row["kind"], "contact_id": row["contact_id"],
            "finished_at": _iso(row["finished_at"]), "counts": dict(row["counts"])}


def recipient_bounced(recipient, *, code, at):
    return {"org_id": recipient["org_id"], "campaign_id": recipient["campaign_id"], "recipient_id": recipient["id"],
            "contact_id": recipient.get("contact_id"), "email": recipient["email"], "code": code, "at": _iso(at)}
