"""A recipient unsubscribed from a campaign e-mail (E-7): the campaigns service's ``contact_unsubscribed`` makes the
contact's ``subscribed`` false through the normal change path (history without a user, with the reason; version + 1;
``contact_updated`` in the outbox for every read model), once per event; a contact of another organization, unknown
or already unsubscribed is left alone. Each absence is asserted after the event's inbox row (``handled``)."""
import uuid

import sqlalchemy as sa
from contacts_helpers import event_ids, make_actor

from carnet_common.events import make_envelope
from carnet_testing import handled


def unsubscribed(org_id, contact_id, source="one_click"):
    return make_envelope({"org_id": org_id, "contact_id": contact_id, "email": "jeanne@example.test",
                          "campaign_id": "c1", "recipient_id": uuid.uuid4().hex, "at": "2026-12-07T02:00:00+00:00",
                          "source": source})


def updated_events(engine, contact_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT envelope FROM contacts.outbox WHERE event_type = 'contact_updated' "
            "AND envelope->'data'->'record'->>'id' = :id"), {"id": contact_id}).scalars().all()


def test_the_contact_is_unsubscribed_once_with_its_reason(rpc, dispatch, engine):
    admin = make_actor(is_admin=True)
    list_id = rpc.create_list(admin, {"name": "Infolettre"})["id"]
    contact = rpc.create_contact(admin, {"last_name": "Roy", "email": "jeanne@example.test", "list_ids": [list_id]})
    assert contact["subscribed"] is True
    event = unsubscribed(admin["org_id"], contact["id"])
    dispatch("campaigns", "contact_unsubscribed", event)
    dispatch("campaigns", "contact_unsubscribed", event)  # redelivered
    handled(engine, "contacts", event_ids(event))
    # then a second link of another campaign (after the first: workers handle events concurrently)
    again = unsubscribed(admin["org_id"], contact["id"], source="page")
    dispatch("campaigns", "contact_unsubscribed", again)
    handled(engine, "contacts", event_ids(again))

    after = rpc.get_contact(admin, contact["id"])
    assert after["subscribed"] is False and after["version"] == contact["version"] + 1
    history = [(h["field"], h["old"], h["new"], h["user_id"]) for h in rpc.get_contact_history(admin, contact["id"])]
    assert ("subscribed", True, False, None) in history
    assert ("unsubscribed_by_recipient", None, "one_click", None) in history
    assert [h[0] for h in history].count("subscribed") == 1
    published = updated_events(engine, contact["id"])
    assert len(published) == 1
    data = published[0]["data"]
    assert data["changed"] == ["subscribed"] and data["actor_id"] is None
    assert data["record"]["subscribed"] is False and data["record"]["list_ids"] == [list_id]


def test_another_organizations_or_unknown_contact_is_left_alone(rpc, dispatch, engine):
    admin = make_actor(is_admin=True)
    list_id = rpc.create_list(admin, {"name": "Clients"})["id"]
    contact = rpc.create_contact(admin, {"last_name": "Tremblay", "list_ids": [list_id]})
    foreign = unsubscribed(str(uuid.uuid4()), contact["id"])
    unknown = unsubscribed(admin["org_id"], str(uuid.uuid4()))
    malformed = unsubscribed(admin["org_id"], None)
    for envelope in (foreign, unknown, malformed):
        dispatch("campaigns", "contact_unsubscribed", envelope)
    handled(engine, "contacts", event_ids(foreign, unknown, malformed))
    assert rpc.get_contact(admin, contact["id"])["subscribed"] is True
    assert updated_events(engine, contact["id"]) == []
