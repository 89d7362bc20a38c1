"""Invitations of deleted tasks are withdrawn (T-3, C-10): the same UID with METHOD:CANCEL, sent once with
retries like a REQUEST; a re-invite after a change carries SEQUENCE + 1; how the job treats SMTP refusals
(5xx: failed at once, 4xx: retried, then failed after the last attempt).

The opportunities service runs as a process on a fresh database and vhost, sending to a real SMTP server
(aiosmtpd on a free loopback port); each received .ics is parsed with icalendar. Contacts events are published
as the contacts service publishes them.

Where a test asserts that nothing more was sent, it first waits for a sentinel: an invitation queued after the
fact and received by the relay, which the job (taking due invitations oldest first) sends only after anything
queued before it."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from opp_helpers import (
    account_event,
    calendar_of,
    calendar_part,
    contact_event,
    make_actor,
    moments,
    sent_for_task,
    sentinel_sent,
    uid,
)
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_common.config import sqlalchemy_url
from carnet_common.errors import NotFound
from carnet_common.events import make_envelope
from carnet_testing import bootstrapped_env, eventually, rpc_config, running_services
from carnet_testing.mail import smtp_relay

OPPORTUNITIES = [service for service in SERVICES if service["name"] == "opportunities"]
MAX_ATTEMPTS = 3


@pytest.fixture(scope="module")
def relay():
    with smtp_relay() as relay:
        yield relay


@pytest.fixture(scope="module")
def env(relay):
    with bootstrapped_env(OPPORTUNITIES, root=ROOT, LOG_LEVEL="WARNING", SMTP_HOST="127.0.0.1",
                          SMTP_PORT=relay.port, SMTP_FROM="crm@carnet.test", INVITATION_RETRY_BASE_MS=200,
                          INVITATION_MAX_ATTEMPTS=MAX_ATTEMPTS) as env:
        yield env


@pytest.fixture(scope="module")
def rpc(env, tmp_path_factory):
    with running_services(OPPORTUNITIES, root=ROOT, env=env, log_dir=tmp_path_factory.mktemp("logs")), \
            ClusterRpcProxy(rpc_config(env), timeout=20) as proxy:
        yield proxy.opportunities


@pytest.fixture(scope="module")
def engine(env):
    engine = sa.create_engine(sqlalchemy_url(env["DATABASE_URL"]))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def publish(env, rpc):
    dispatch = event_dispatcher(rpc_config(env))
    at = moments()

    def publish(event_type, data):
        """Lifecycle events a second apart (the read model orders them by ``occurred_at``)."""
        dispatch("contacts", event_type, {**make_envelope(data), "occurred_at": next(at).isoformat()})
    return publish


@pytest.fixture()
def world(publish, engine):
    """An organization with an account and a contact who has an email address, in the read model."""
    org, account_id, contact_id = uid("org"), uid("acc"), uid("con")
    publish(*account_event(org, account_id))
    publish(*contact_event(org, contact_id, account_id, email=f"{contact_id}@client.test"))
    eventually(lambda: _scalar(engine, "SELECT count(*) FROM opportunities.contact_refs WHERE id = :id",
                               id=contact_id))
    return {"org": org, "account_id": account_id, "contact_id": contact_id, "email": f"{contact_id}@client.test",
            "actor": make_actor(org, list_ids=["L1"])}


def _scalar(engine, sql, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def _invitations(engine, task_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT method, status, attempts, last_error, email FROM opportunities.task_invitations "
            "WHERE task_id = :id ORDER BY created_at"), {"id": task_id}).mappings().all()


def _event(message):
    return calendar_of(message).walk("VEVENT")[0]


def _invite_and_wait(rpc, relay, actor, task_id, **body):
    before = len(sent_for_task(relay, task_id))
    rpc.invite_task(actor, task_id, {"to": "contact", **body})
    return eventually(lambda: sent_for_task(relay, task_id), lambda sent: len(sent) > before,
                      what="the invitation at the relay")[-1]


def test_invitation_of_a_deleted_task_is_cancelled_once_under_the_same_uid(rpc, relay, engine, world):
    actor = world["actor"]
    task = rpc.create_task(actor, {"type": "meeting", "title": "Visite", "contact_id": world["contact_id"],
                                   "due_at": "2026-07-01T13:30:00Z"})
    request = _invite_and_wait(rpc, relay, actor, task["id"])
    assert calendar_of(request)["METHOD"] == "REQUEST" and _event(request)["SEQUENCE"] == 1

    # a change of title: the re-invite updates the same event with SEQUENCE + 1
    rpc.update_task(actor, task["id"], {"title": "Visite d'usine"})
    update = _invite_and_wait(rpc, relay, actor, task["id"])
    assert str(_event(update)["UID"]) == str(_event(request)["UID"])
    assert (_event(update)["SEQUENCE"], str(_event(update)["SUMMARY"])) == (2, "Visite d'usine")

    rpc.delete_task(actor, task["id"])
    cancel = eventually(lambda: sent_for_task(relay, task["id"]), lambda sent: len(sent) == 3, what="the CANCEL")[-1]
    calendar, event = calendar_of(cancel), _event(cancel)
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"task-{task['id']}@carnet" and event["SEQUENCE"] == 3
    assert str(event["SUMMARY"]) == "Visite d'usine"
    assert calendar_part(cancel).get_param("method") == "CANCEL"
    assert cancel["To"].addresses[0].addr_spec == world["email"]
    assert cancel["Subject"] == "Cancelled: Visite d'usine"
    sentinel_sent(rpc, actor, relay)  # the job went past the CANCEL: nothing more is sent
    assert len(sent_for_task(relay, task["id"])) == 3
    assert [(r["method"], r["status"]) for r in _invitations(engine, task["id"])] == \
        [("REQUEST", "sent"), ("REQUEST", "sent"), ("CANCEL", "sent")]
    with pytest.raises(NotFound):
        rpc.list_task_invitations(actor, task["id"])


def test_invitation_of_a_task_deleted_with_its_contact_is_cancelled_and_a_restore_can_reinvite(
        rpc, relay, engine, publish, world):
    actor, org, contact_id = world["actor"], world["org"], world["contact_id"]
    invited = rpc.create_task(actor, {"type": "call", "title": "Rappel", "contact_id": contact_id,
                                      "due_at": "2026-07-02T15:00:00Z"})
    never_invited = rpc.create_task(actor, {"type": "call", "title": "Jamais", "contact_id": contact_id,
                                            "due_at": "2026-07-03T15:00:00Z"})
    _invite_and_wait(rpc, relay, actor, invited["id"])

    publish("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                "account_id": world["account_id"], "deleted_at": datetime.now(timezone.utc).isoformat(),
                                "dependents": "delete",
                                "dependent_ids": {"opportunities": [], "tasks": [invited["id"], never_invited["id"]]}})
    cancel = eventually(lambda: sent_for_task(relay, invited["id"]), lambda sent: len(sent) == 2,
                        what="the CANCEL")[-1]
    assert calendar_of(cancel)["METHOD"] == "CANCEL" and _event(cancel)["SEQUENCE"] == 2  # the deleted task's version
    sentinel_sent(rpc, actor, relay)
    assert len(sent_for_task(relay, invited["id"])) == 2 and sent_for_task(relay, never_invited["id"]) == []

    publish("contact_restored", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                 "account_id": world["account_id"]})
    eventually(lambda: _scalar(engine, "SELECT version FROM opportunities.tasks WHERE id = :id AND deleted_at IS NULL",
                               id=invited["id"]) == 3)
    again = _invite_and_wait(rpc, relay, actor, invited["id"])
    assert calendar_of(again)["METHOD"] == "REQUEST" and _event(again)["SEQUENCE"] == 3  # above the CANCEL's


def test_an_invitation_still_waiting_when_its_task_is_deleted_is_never_sent(rpc, relay, engine, world):
    actor = world["actor"]
    task = rpc.create_task(actor, {"type": "call", "title": "Plus tard", "contact_id": world["contact_id"],
                                   "due_at": "2026-07-04T15:00:00Z"})
    later = datetime.now(timezone.utc) + timedelta(days=1)
    with engine.begin() as conn:  # waiting for its retry, as after a temporary refusal
        conn.execute(sa.text(
            "INSERT INTO opportunities.task_invitations (id, org_id, task_id, idempotency_key, recipient, email, "
            "language, timezone, status, attempts, next_attempt_at, created_by, created_at) VALUES (:id, :org, "
            ":task, 'k', 'contact', :email, 'fr', 'America/Toronto', 'pending', 1, :later, 'u1', now())"),
            {"id": uid("inv"), "org": world["org"], "task": task["id"], "email": world["email"], "later": later})
    rpc.delete_task(actor, task["id"])
    assert [(r["method"], r["status"], r["last_error"]) for r in _invitations(engine, task["id"])] == \
        [("REQUEST", "failed", "task_deleted")]  # and no CANCEL: it never left
    sentinel_sent(rpc, actor, relay)
    assert sent_for_task(relay, task["id"]) == []


def test_invitation_refused_for_good_by_the_relay_fails_at_once(rpc, relay, engine, world):
    actor = world["actor"]
    task = rpc.create_task(actor, {"type": "call", "title": "Refusée", "contact_id": world["contact_id"],
                                   "due_at": "2026-07-05T15:00:00Z"})
    relay.refused = 0
    relay.data_answers.append("550 5.1.1 Mailbox unavailable")
    rpc.invite_task(actor, task["id"], {"to": "contact"})
    row = eventually(lambda: (r := _invitations(engine, task["id"])[0])["status"] == "failed" and r)
    assert row["attempts"] == 1 and row["last_error"].startswith("permanent: 550")
    sentinel_sent(rpc, actor, relay)  # never retried
    assert _invitations(engine, task["id"])[0]["attempts"] == 1
    assert relay.refused == 1 and sent_for_task(relay, task["id"]) == []


def test_invitation_temporarily_refused_is_retried_then_sent(rpc, relay, engine, world):
    actor = world["actor"]
    task = rpc.create_task(actor, {"type": "call", "title": "Greylist", "contact_id": world["contact_id"],
                                   "due_at": "2026-07-06T15:00:00Z"})
    relay.refused = 0
    relay.rcpt_answers.append("451 4.7.1 Greylisted, try again later")
    rpc.invite_task(actor, task["id"], {"to": "contact"})
    row = eventually(lambda: (r := _invitations(engine, task["id"])[0])["status"] == "sent" and r)
    assert row["attempts"] == 2 and relay.refused == 1
    assert len(sent_for_task(relay, task["id"])) == 1


def test_invitation_temporarily_refused_at_every_attempt_ends_failed(rpc, relay, engine, world):
    actor = world["actor"]
    task = rpc.create_task(actor, {"type": "call", "title": "Toujours occupé", "contact_id": world["contact_id"],
                                   "due_at": "2026-07-07T15:00:00Z"})
    relay.refused = 0
    relay.data_answers.extend(["451 4.3.0 Temporary failure"] * MAX_ATTEMPTS)
    rpc.invite_task(actor, task["id"], {"to": "contact"})
    row = eventually(lambda: (r := _invitations(engine, task["id"])[0])["status"] == "failed" and r, timeout=30)
    assert row["attempts"] == MAX_ATTEMPTS and row["last_error"].startswith("temporary: 451")
    assert relay.refused == MAX_ATTEMPTS and sent_for_task(relay, task["id"]) == []
