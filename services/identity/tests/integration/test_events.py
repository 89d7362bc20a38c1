"""Events (N-3): published from the outbox after commit, journaled once through the inbox, poison parked."""
import uuid

import pytest
import sqlalchemy as sa
from identity_harness import PASSWORD
from kombu import Connection, Producer, Queue
from nameko.standalone.events import get_event_exchange

from carnet_common.errors import NotFound
from carnet_common.events import make_envelope
from carnet_testing import eventually, metric_value

AUDIT_HANDLER = "identity.audit_user_created"


@pytest.fixture(scope="module")
def broker(identity):
    with Connection(identity.amqp_uri) as connection:
        yield connection


@pytest.fixture
def user_created_queue(broker):
    """Our own queue on ``identity.events`` / ``user_created``, bound before the test acts."""
    channel = broker.channel()
    queue = Queue(f"test-user_created-{uuid.uuid4().hex[:8]}", exchange=get_event_exchange("identity", {}),
                  routing_key="user_created", exclusive=True, auto_delete=True)(channel)
    queue.declare()
    yield queue
    channel.close()


def message_about(queue, user_id, timeout=10):
    """The event about ``user_id``; others (e.g. another test's late admin) are skipped."""
    def find():
        message = queue.get(no_ack=True)
        while message is not None and message.payload["data"].get("id") != user_id:
            message = queue.get(no_ack=True)
        return message
    return eventually(find, timeout=timeout)


def publish(broker, envelope, routing_key="user_created"):
    exchange = get_event_exchange("identity", {})
    with broker.channel() as channel:
        Producer(channel).publish(envelope, exchange=exchange, routing_key=routing_key, serializer="json",
                                  declare=[exchange], mandatory=True)


def query(identity, sql, **params):
    with identity.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).mappings().all()


def audit_rows(identity, event_id):
    return query(identity, "SELECT * FROM identity.audit_log WHERE event_id = :id", id=event_id)


def parked(identity, where, **params):
    rows = query(identity, f"SELECT * FROM identity.inbox_failures WHERE {where}", **params)
    return rows if rows and all(row["parked"] for row in rows) else None


def test_user_created_is_published_with_an_envelope_and_no_secret(svc, org, identity, user_created_queue):
    user = org.add_user(full_name="Éloïse Côté")

    message = message_about(user_created_queue, user["id"])

    assert message is not None, "no user_created event arrived"
    envelope = message.payload
    assert set(envelope) == {"event_id", "occurred_at", "version", "data"}
    assert envelope["version"] == 1
    assert envelope["data"]["id"] == user["id"] and envelope["data"]["org_id"] == org.id
    assert envelope["data"]["full_name"] == "Éloïse Côté"
    assert envelope["data"]["actor_id"] == org.admin_user["id"]
    assert not {"password", "password_hash"} & set(envelope["data"])
    assert PASSWORD not in str(message.body)
    # The relay marks the row in the transaction that locked it, committed just after the broker confirmed.
    row, = eventually(lambda: query(identity, "SELECT * FROM identity.outbox WHERE id = :id AND published_at "
                                              "IS NOT NULL", id=envelope["event_id"]))
    assert row["event_type"] == "user_created" and row["unroutable"] is False


def test_every_event_of_an_organization_is_journaled_exactly_once(svc, org, identity):
    role = svc.create_role(org.admin, {"name": "Sales"})
    user = org.add_user(role_id=role["id"])
    svc.update_user(org.admin, user["id"], {"active": False})

    def journaled():
        events = query(identity, "SELECT id::text AS id, event_type FROM identity.outbox "
                                 "WHERE envelope->'data'->>'org_id' = :org", org=org.id)
        audit = query(identity, "SELECT event_id, event_type FROM identity.audit_log WHERE org_id = :org", org=org.id)
        return (events, audit) if sorted(map(dict, events), key=str) == sorted(
            [{"id": a["event_id"], "event_type": a["event_type"]} for a in audit], key=str) else None

    settled = eventually(journaled)

    assert settled, "the audit journal never matched the outbox"
    assert sorted(e["event_type"] for e in settled[0]) == sorted([
        "organization_created", "user_created", "role_created", "user_created", "user_updated",
        "user_deactivated", "permissions_changed"])
    listed = svc.list_audit(org.admin, {"per_page": 200})
    assert listed["total"] == 7
    deactivated, = [item for item in listed["items"] if item["event_type"] == "user_deactivated"]
    assert deactivated["subject_id"] == user["id"] and deactivated["actor_id"] == org.admin_user["id"]


def test_the_same_envelope_delivered_twice_is_journaled_once(svc, org, identity, broker, user_created_queue):
    user = org.add_user()
    envelope = message_about(user_created_queue, user["id"]).payload
    assert eventually(lambda: audit_rows(identity, envelope["event_id"]))
    duplicates = metric_value(identity.http, "carnet_events_duplicate_total", handler=AUDIT_HANDLER, service="identity")

    publish(broker, envelope)

    assert eventually(lambda: metric_value(identity.http, "carnet_events_duplicate_total", handler=AUDIT_HANDLER,
                                              service="identity") > duplicates), "the redelivery was not handled"
    assert len(audit_rows(identity, envelope["event_id"])) == 1
    handled = query(identity, "SELECT handler FROM identity.inbox WHERE event_id = :id", id=envelope["event_id"])
    assert [row["handler"] for row in handled] == [AUDIT_HANDLER]


def test_a_poison_event_is_retried_then_parked_while_other_events_flow(svc, org, identity, broker):
    poison = make_envelope({"org_id": None, "id": "ghost", "actor_id": None})
    parked_before = metric_value(identity.http, "carnet_events_parked_total", handler=AUDIT_HANDLER, service="identity")

    publish(broker, poison)
    healthy = org.add_user()

    rows = eventually(lambda: parked(identity, "event_id = :id", id=poison["event_id"]))
    assert rows, "the poison event was never parked"
    assert rows[0]["attempts"] == 5 and rows[0]["handler"] == AUDIT_HANDLER
    assert rows[0]["envelope"] == poison
    assert "audit_log" in rows[0]["last_error"] or "null value" in rows[0]["last_error"]
    assert audit_rows(identity, poison["event_id"]) == []
    assert query(identity, "SELECT * FROM identity.inbox WHERE event_id = :id", id=poison["event_id"]) == []
    assert metric_value(identity.http, "carnet_events_parked_total", handler=AUDIT_HANDLER, service="identity") == \
        parked_before + 1
    assert eventually(lambda: query(identity, "SELECT 1 FROM identity.audit_log WHERE subject_id = :id",
                                    id=healthy["id"])), "a healthy event was held up by the poison"


def test_an_envelope_with_a_non_uuid_event_id_is_parked_at_once(svc, org, identity, broker):
    marker = uuid.uuid4().hex
    publish(broker, {"event_id": f"not-a-uuid-{marker}", "occurred_at": "2024-01-01T00:00:00+00:00",
                     "version": 1, "data": {"org_id": org.id, "id": marker}})

    rows = eventually(lambda: parked(identity, "envelope->'raw'->>'event_id' = :id", id=f"not-a-uuid-{marker}"))

    assert rows, "the malformed event was never parked"
    assert rows[0]["last_error"] == "malformed envelope"
    assert query(identity, "SELECT 1 FROM identity.audit_log WHERE subject_id = :id", id=marker) == []


def test_the_request_id_follows_the_work_into_the_outbox_and_the_logs(identity, org, user_created_queue):
    request_id = f"req-{uuid.uuid4().hex}"
    with identity.proxy(request_id=request_id) as cluster:
        user = cluster.identity.create_user(org.admin, {"username": f"traced{uuid.uuid4().hex[:8]}",
                                                        "password": PASSWORD, "full_name": "Traced",
                                                        "email": "t@example.com"})
        with pytest.raises(NotFound):
            cluster.identity.get_user(org.admin, "no-such-user")

    row, = query(identity, "SELECT headers FROM identity.outbox WHERE envelope->'data'->>'id' = :id", id=user["id"])
    assert row["headers"] == {"nameko.request_id": request_id}
    message = message_about(user_created_queue, user["id"])
    assert message.headers["nameko.request_id"] == request_id
    logged = eventually(lambda: [e for e in identity.log_entries() if e.get("request_id") == request_id])
    assert logged, "no log line carries the request id"
    assert all(entry["service"] == "identity" for entry in logged)
    assert any("get_user" in entry["msg"] for entry in logged)


def test_no_event_nor_journal_entry_carries_a_password_or_its_hash(svc, org, identity):
    user = org.add_user()
    svc.update_user(org.admin, user["id"], {"password": "another-long-secret", "current_password": PASSWORD})

    changed = eventually(lambda: query(
        identity, "SELECT details FROM identity.audit_log WHERE subject_id = :id AND event_type = 'user_updated'",
        id=user["id"]))

    assert changed and changed[0]["details"]["changed"] == ["password"]
    stored = query(identity, "SELECT envelope::text AS body FROM identity.outbox "
                             "WHERE envelope->'data'->>'org_id' = :org "
                             "UNION ALL SELECT details::text FROM identity.audit_log WHERE org_id = :org", org=org.id)
    text = "\n".join(row["body"] for row in stored)
    for secret in (PASSWORD, "another-long-secret", "$argon2", "password_hash"):
        assert secret not in text


def test_the_journal_names_a_user_holding_a_role_as_the_subject_of_their_events(svc, org, identity):
    """Issue 10 §5: user_created and user_updated carry the user and their role_id; the entry is about the user."""
    role = svc.create_role(org.admin, {"name": "Reps"})
    user = org.add_user(role_id=role["id"])
    svc.update_user(org.admin, user["id"], {"full_name": "Renamed"})

    def entries():
        rows = query(identity, "SELECT event_type, subject_id FROM identity.audit_log WHERE org_id = :org "
                               "AND event_type IN ('user_created', 'user_updated') AND details->>'id' = :id",
                     org=org.id, id=user["id"])
        return rows if len(rows) == 2 else None

    journaled = eventually(entries, what="the user's two events journaled")
    assert {(row["event_type"], row["subject_id"]) for row in journaled} == {
        ("user_created", user["id"]), ("user_updated", user["id"])}
    listed = svc.list_audit(org.admin, {"per_page": 200})["items"]
    assert all(item["subject_id"] != role["id"] for item in listed if item["event_type"].startswith("user_"))
