"""Events of the audience area (``campaigns.<name>``; the lead merges them into ``carnet_campaigns/events.py``).

consent_changed  {org_id, actor_id (None: recorded from a won opportunity), contact_id, state, express,
                 implied_until}: a consent was recorded or withdrawn (E-11). ``state`` is the contact's now
                 (express | implied | expired | none); ``implied_until`` (ISO 8601 or None) tells a consumer when
                 an implied state lapses without another event. For the contacts service's consent column.
"""
CONSENT_CHANGED = "consent_changed"


def consent_changed(*, org_id, contact_id, actor_id, state, express, implied_until):
    return {"org_id": org_id, "actor_id": actor_id, "contact_id": contact_id, "state": state,
            "express": bool(express), "implied_until": implied_until.isoformat() if implied_until else None}
