"""A recipient unsubscribed from a campaign's or one-to-one e-mail's link (E-7; the campaigns service already put the
address on its suppression list): the contact's ``subscribed`` becomes false the way any change of a contact is made
(C-17 history, version + 1, ``contact_updated`` through the outbox, so every read model follows, the campaigns one
included) — but by nobody: the history entry has no user (``user_id`` null) and a second entry
``unsubscribed_by_recipient`` says why (its ``new``: the source, ``one_click`` or ``page``). Once per event (the
inbox); a contact already unsubscribed, gone (purged, the loser of a merge) or of another organization is left
alone."""
from carnet_contacts import events
from carnet_contacts.customization import repository as customization
from carnet_contacts.records import repository as records
from carnet_contacts.records.usecases import contact_event_read
from carnet_contacts.unsubscribes import repository

REASON_FIELD = "unsubscribed_by_recipient"


def contact_unsubscribed(session, *, outbox, data):
    org_id, contact_id = data.get("org_id"), data.get("contact_id")
    if not isinstance(org_id, str) or not isinstance(contact_id, str):
        return False
    row = repository.contact_for_update(session, org_id=org_id, contact_id=contact_id)
    if row is None or not row["subscribed"]:
        return False
    records.update_record(session, "contact", contact_id, {"subscribed": False, "version": row["version"] + 1,
                                                           "updated_at": records.now()})
    base = {"org_id": org_id, "record_type": "contact", "record_id": contact_id, "user_id": None}
    records.add_history(session, [
        {**base, "field": "subscribed", "old": True, "new": False},
        {**base, "field": REASON_FIELD, "old": None, "new": data.get("source")}])
    definitions = customization.custom_field_rows_by_module(session, org_id=org_id, modules=["contacts"])["contacts"]
    read = contact_event_read(session, contact_id, definitions)
    outbox.add(session, events.CONTACT_UPDATED, events.record_payload(
        read, {"org_id": org_id, "user_id": None}, changed=["subscribed"]))
    return True
