"""The users read model fed by identity's events (r1:/r2:, C-11): handled once, newer facts win.

Each absence asserted here is asserted after proof that the event was handled: its inbox row (``handled``), or
the duplicates counter of the handler for a second delivery (``metric_value``).
"""
import uuid
from datetime import datetime, timedelta, timezone

from contacts_helpers import event_ids, make_actor

from carnet_common.events import make_envelope
from carnet_testing import eventually, handled, metric_value

DUPLICATES = "carnet_events_duplicate_total"


def _user_event(user_id, org_id, *, username, full_name, updated_at):
    return make_envelope({"id": user_id, "org_id": org_id, "username": username, "full_name": full_name,
                          "actor_id": None, "updated_at": updated_at.isoformat()})


def test_rep_prefixes_find_contacts_by_their_reps_names(rpc, dispatch, engine, metrics_address):
    admin = make_actor(is_admin=True)
    rep_id = str(uuid.uuid4())
    list_id = rpc.create_list(admin, {"name": "Reps"})["id"]
    contact = rpc.create_contact(admin, {"last_name": "Client", "rep1_id": rep_id, "rep2_id": admin["user_id"],
                                         "list_ids": [list_id]})
    now = datetime.now(timezone.utc)
    created = _user_event(rep_id, admin["org_id"], username="hgagnon", full_name="Hélène Gagnon", updated_at=now)
    duplicates = metric_value(metrics_address, DUPLICATES, service="contacts", handler="contacts.on_user_created")
    dispatch("identity", "user_created", created)
    dispatch("identity", "user_created", created)  # redelivered: handled once
    eventually(lambda: metric_value(metrics_address, DUPLICATES, service="contacts",
                                    handler="contacts.on_user_created"),
               lambda count: count == duplicates + 1, what="the second delivery counted as a duplicate")

    def found(q):
        return [c["id"] for c in rpc.search_contacts(admin, {"q": q})["items"]]

    assert found("r1:helene") == [contact["id"]]
    assert found("r1:hgagnon") == [contact["id"]]
    assert found("r2:helene") == []
    renamed = _user_event(rep_id, admin["org_id"], username="hgagnon", full_name="Hélène Roy",
                          updated_at=now + timedelta(seconds=2))
    stale = _user_event(rep_id, admin["org_id"], username="hgagnon", full_name="Hélène Vieux",
                        updated_at=now + timedelta(seconds=1))
    dispatch("identity", "user_updated", renamed)
    handled(engine, "contacts", event_ids(renamed))
    assert found("r1:roy") == [contact["id"]]
    dispatch("identity", "user_updated", stale)
    handled(engine, "contacts", event_ids(stale))  # its inbox row commits with its effect
    assert found("r1:vieux") == [] and found("r1:roy") == [contact["id"]]
