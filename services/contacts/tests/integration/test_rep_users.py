"""The users read model fed by identity's events (r1:/r2:, C-11): handled once, newer facts win."""
import time
import uuid
from datetime import datetime, timedelta, timezone

from contacts_helpers import make_actor
from nameko.standalone.events import event_dispatcher

from carnet_common.events import make_envelope


def _user_event(user_id, org_id, *, username, full_name, updated_at):
    return make_envelope({"id": user_id, "org_id": org_id, "username": username, "full_name": full_name,
                          "actor_id": None, "updated_at": updated_at.isoformat()})


def _eventually(check, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_rep_prefixes_find_contacts_by_their_reps_names(rpc, service_env):
    dispatch = event_dispatcher({"AMQP_URI": service_env["AMQP_URI"], "serializer": "json"})
    admin = make_actor(is_admin=True)
    rep_id = str(uuid.uuid4())
    list_id = rpc.create_list(admin, {"name": "Reps"})["id"]
    contact = rpc.create_contact(admin, {"last_name": "Client", "rep1_id": rep_id, "rep2_id": admin["user_id"],
                                         "list_ids": [list_id]})
    now = datetime.now(timezone.utc)
    created = _user_event(rep_id, admin["org_id"], username="hgagnon", full_name="Hélène Gagnon", updated_at=now)
    dispatch("identity", "user_created", created)
    dispatch("identity", "user_created", created)  # redelivered: handled once

    def found(q):
        return [c["id"] for c in rpc.search_contacts(admin, {"q": q})["items"]]

    assert _eventually(lambda: found("r1:helene") == [contact["id"]])
    assert found("r1:hgagnon") == [contact["id"]]
    assert found("r2:helene") == []
    renamed = _user_event(rep_id, admin["org_id"], username="hgagnon", full_name="Hélène Roy",
                          updated_at=now + timedelta(seconds=2))
    stale = _user_event(rep_id, admin["org_id"], username="hgagnon", full_name="Hélène Vieux",
                        updated_at=now + timedelta(seconds=1))
    dispatch("identity", "user_updated", renamed)
    assert _eventually(lambda: found("r1:roy") == [contact["id"]])
    dispatch("identity", "user_updated", stale)
    time.sleep(1)
    assert found("r1:vieux") == [] and found("r1:roy") == [contact["id"]]
