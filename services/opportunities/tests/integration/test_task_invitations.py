"""Tasks, invitations and the dashboard against the service as a process, real PostgreSQL, RabbitMQ and a
real SMTP server (aiosmtpd on a free loopback port). The read model of contacts is seeded in the database,
as the contacts events would leave it (its own tests are the read model's); the contacts service runs beside it,
as it always does, and holds none of those records, so the read model's answer stands (``readmodel/links.py``).

Where a test asserts that an invitation was sent only once, it first waits for a sentinel invitation queued after
it (``opp_helpers.sentinel_sent``) to reach the relay."""
import os

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from opp_helpers import calendar_of, sent_for_task, sentinel_sent
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

from carnet_common.config import sqlalchemy_url
from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_testing import bootstrapped_env, eventually, rpc_config, running_services
from carnet_testing.mail import smtp_relay

UNDER_TEST = [service for service in SERVICES if service["name"] in ("opportunities", "contacts")]
os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")


@pytest.fixture(scope="module")
def relay():
    with smtp_relay() as relay:
        yield relay


@pytest.fixture(scope="module")
def tasks_env(relay):
    with bootstrapped_env(UNDER_TEST, root=ROOT, LOG_LEVEL="WARNING", SMTP_HOST="127.0.0.1", SMTP_PORT=relay.port,
                          SMTP_FROM="crm@carnet.test", INVITATION_RETRY_BASE_MS=200) as env:
        yield env


@pytest.fixture(scope="module")
def tasks_rpc(tasks_env, engine, tmp_path_factory):
    with running_services(UNDER_TEST, root=ROOT, env=tasks_env, log_dir=tmp_path_factory.mktemp("logs")), \
            ClusterRpcProxy(rpc_config(tasks_env), timeout=20) as proxy:
        yield proxy.opportunities


@pytest.fixture(scope="module")
def engine(tasks_env):
    engine = sa.create_engine(sqlalchemy_url(tasks_env["DATABASE_URL"]))
    with engine.begin() as conn:
        for org, suffix in (("org1", ""), ("org2", "-b")):
            conn.execute(sa.text(
                "INSERT INTO opportunities.account_refs (id, org_id, name, rep1_id, list_ids, version) "
                "VALUES (:id, :org, 'Bois Tremblay', 'u1', ARRAY['l1'], 1)"), {"id": "a1" + suffix, "org": org})
            conn.execute(sa.text(
                "INSERT INTO opportunities.contact_refs (id, org_id, account_id, first_name, last_name, email, "
                "rep1_id, list_ids, version) VALUES (:id, :org, :acc, 'Luc', 'Émond', 'luc@client.test', 'u1', "
                "ARRAY['l1'], 1)"), {"id": "c1" + suffix, "org": org, "acc": "a1" + suffix})
        conn.execute(sa.text(
            "INSERT INTO opportunities.contact_refs (id, org_id, account_id, first_name, rep1_id, list_ids, version) "
            "VALUES ('c2', 'org1', NULL, 'Seul', 'u1', ARRAY['l1'], 1)"))
    yield engine
    engine.dispose()


def actor(user="u1", org="org1", **extra):
    return {"org_id": org, "user_id": user, "is_admin": False, "list_ids": ["l1"],
            "timezone": "America/Toronto", "flags": {}, **extra}


def test_task_links_and_visibility(tasks_rpc, engine):
    task = tasks_rpc.create_task(actor(), {"type": "call", "title": "Rappeler", "contact_id": "c1",
                                           "account_id": "a1", "due_at": "2025-03-10T14:00:00Z"})
    assert task["due_at"] == "2025-03-10T10:00:00-04:00" and task["status"] == "todo"
    with pytest.raises(InvalidInput) as exc:
        tasks_rpc.create_task(actor(), {"type": "call", "title": "x", "contact_id": "c2", "account_id": "a1"})
    assert exc.value.errors == {"contact_id": ["task_contact_not_of_account"]}
    with pytest.raises(NotFound):  # a contact of another organization
        tasks_rpc.create_task(actor(), {"type": "call", "title": "x", "contact_id": "c1-b"})
    with pytest.raises(NotFound):  # another organization
        tasks_rpc.get_task(actor(org="org2"), task["id"])
    with pytest.raises(NotFound):  # a user who is not rep of the contact
        tasks_rpc.get_task(actor(user="u2"), task["id"])
    with pytest.raises(NotFound):  # the rep, but the list not selected
        tasks_rpc.get_task({**actor(), "list_ids": []}, task["id"])
    alone = tasks_rpc.create_task(actor(), {"type": "todo", "title": "Seul", "assignee_id": "u3"})
    assert tasks_rpc.get_task(actor(user="u3"), alone["id"])["id"] == alone["id"]
    with pytest.raises(NotFound):
        tasks_rpc.get_task(actor(user="u2"), alone["id"])
    assert tasks_rpc.get_task(actor(user="u2", is_admin=True), alone["id"])["id"] == alone["id"]
    limited = actor(flags={"all_contacts": True, "own_records_only": True}, user="u2")
    with pytest.raises(NotFound):  # sees the contact, but only their own tasks (S-4)
        tasks_rpc.get_task(limited, task["id"])


def test_board_move_and_filters(tasks_rpc, engine):
    me = actor(user="u5", flags={"all_contacts": True})
    task = tasks_rpc.create_task(me, {"type": "meeting", "title": "Réunion", "account_id": "a1"})
    moved = tasks_rpc.update_task(me, task["id"], {"status": "in_progress"})
    assert moved["status"] == "in_progress" and moved["version"] == 2
    board = tasks_rpc.list_tasks(me, {"view": "board", "assignee_id": "u5"})
    columns = {c["status"]: [t["id"] for t in c["items"]] for c in board["columns"]}
    assert columns == {"todo": [], "in_progress": [task["id"]], "done": []}
    page = tasks_rpc.list_tasks(me, {"assignee_id": "u5", "type": "call"})
    assert page["total"] == 0
    with pytest.raises(InvalidInput) as exc:
        tasks_rpc.update_task(me, task["id"], {"status": "blocked", "due_at": "2025-03-10 10:00"})
    assert set(exc.value.errors) == {"status", "due_at"}
    assert tasks_rpc.get_task(me, task["id"])["status"] == "in_progress"
    tasks_rpc.delete_task(me, task["id"])
    with pytest.raises(NotFound):
        tasks_rpc.get_task(me, task["id"])


def test_invitation_is_sent_once_with_a_calendar_event_and_updates_the_same_event(tasks_rpc, relay):
    before = len(relay.received())
    task = tasks_rpc.create_task(actor(), {"type": "meeting", "title": "Visite", "contact_id": "c1",
                                           "due_at": "2025-07-01T13:30:00Z"})
    first = tasks_rpc.invite_task(actor(), task["id"], {"to": "contact", "idempotency_key": "k1"})
    again = tasks_rpc.invite_task(actor(), task["id"], {"to": "contact", "idempotency_key": "k1"})
    assert again["id"] == first["id"] and first["status"] == "pending"
    eventually(lambda: tasks_rpc.list_task_invitations(actor(), task["id"]),
               lambda invitations: invitations[0]["status"] == "sent", what="the invitation sent")
    sentinel_sent(tasks_rpc, actor(), relay)
    assert len(relay.received()) == before + 2  # the invitation, once, and the sentinel
    message, = sent_for_task(relay, task["id"])
    assert message["To"].addresses[0].addr_spec == "luc@client.test"
    event = calendar_of(message).walk("VEVENT")[0]
    assert calendar_of(message)["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"task-{task['id']}@carnet" and event["SEQUENCE"] == 1
    start = event.decoded("DTSTART")
    assert str(start.tzinfo) == "America/Toronto" and (start.hour, start.minute) == (9, 30)

    tasks_rpc.update_task(actor(), task["id"], {"due_at": "2025-07-02T13:30:00Z"})
    tasks_rpc.invite_task(actor(), task["id"], {"to": "contact"})
    eventually(lambda: len(sent_for_task(relay, task["id"])) == 2, what="the second invitation sent")
    assert len(relay.received()) == before + 3
    updated = calendar_of(sent_for_task(relay, task["id"])[-1]).walk("VEVENT")[0]
    assert str(updated["UID"]) == str(event["UID"]) and updated["SEQUENCE"] == 2


def test_invitation_retries_after_temporary_refusals_and_is_delivered_once(tasks_rpc, relay):
    before = len(relay.received())
    relay.refused = 0
    relay.data_answers.extend(["451 4.7.1 Try again later"] * 2)  # greylisting
    task = tasks_rpc.create_task(actor(), {"type": "call", "title": "Relance", "due_at": "2025-07-01T13:30:00Z"})
    tasks_rpc.invite_task(actor(), task["id"], {"to": "assignee", "recipient": {
        "email": "u1@carnet.test", "name": "Utilisateur Un", "language": "en"}})
    sent = eventually(lambda: [i for i in tasks_rpc.list_task_invitations(actor(), task["id"])
                               if i["status"] == "sent"], what="the invitation sent")
    sentinel_sent(tasks_rpc, actor(), relay)
    assert relay.refused == 2 and sent[0]["attempts"] == 3
    assert len(relay.received()) == before + 2  # the invitation, once, and the sentinel
    message, = sent_for_task(relay, task["id"])
    assert message["Subject"] == "Invitation: Relance"


def test_invitation_needs_a_contact_with_an_address_and_a_due_time(tasks_rpc):
    task = tasks_rpc.create_task(actor(), {"type": "call", "title": "Sans date", "contact_id": "c1"})
    # the stored task refuses a valid body: 409 naming the field (issue 10 §5)
    with pytest.raises(Conflict) as exc:
        tasks_rpc.invite_task(actor(), task["id"], {"to": "contact"})
    assert exc.value.code == "task_invitation_no_due_at"
    assert exc.value.errors == {"due_at": ["task_invitation_no_due_at"]}
    alone = tasks_rpc.create_task(actor(), {"type": "call", "title": "Sans contact", "due_at": "2025-07-01T13:00:00Z"})
    with pytest.raises(Conflict) as exc:
        tasks_rpc.invite_task(actor(), alone["id"], {"to": "contact"})
    assert exc.value.errors == {"to": ["task_invitation_no_contact"]}
    with pytest.raises(NotFound):
        tasks_rpc.invite_task(actor(org="org2"), task["id"], {"to": "contact"})


def test_dashboard_counts_tasks_created_by_type_for_visible_records(tasks_rpc):
    me = actor(user="u7", flags={"all_contacts": True})
    for kind in ("email", "email", "note"):
        tasks_rpc.create_task(me, {"type": kind, "title": "t", "account_id": "a1"})
    mine = tasks_rpc.get_dashboard(me, {"user_id": "u7"})
    assert mine["activities"]["email"] == 2 and mine["activities"]["note"] == 1
    assert mine["transactions"] == {"won": {"count": 0, "total": "0.00"}, "lost": {"count": 0, "total": "0.00"}}
    other = tasks_rpc.get_dashboard(actor(user="u8", org="org2", flags={"all_contacts": True}), {})
    assert other["activities"]["email"] == 0
