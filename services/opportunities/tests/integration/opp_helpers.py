"""Builders of contacts events (payloads as ``carnet_contacts/events.py`` documents them) and actors; a migrated
database for use cases called in process; what an invitation relay received, and the proof that the invitation
job went past a point."""
import contextlib
import itertools
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from icalendar import Calendar

from carnet_common.bootstrap import migrate
from carnet_common.config import sqlalchemy_url
from carnet_testing import eventually, fresh_database

SERVICE_DIR = Path(__file__).resolve().parents[2]


def uid(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


@contextlib.contextmanager
def migrated_database():
    """An engine on a fresh database built by the service's migrations (no service process: the test calls use
    cases or runs predicates in process)."""
    with fresh_database() as url:
        url = sqlalchemy_url(url)
        migrate(str(SERVICE_DIR / "alembic.ini"), url)
        engine = sa.create_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def moments(start=None):
    """Explicit, strictly increasing instants a second apart from ``start`` (now): the ``occurred_at`` of
    lifecycle events, which the read model orders by it."""
    start = start or datetime.now(timezone.utc)
    return (start + timedelta(seconds=n) for n in itertools.count())


def make_actor(org_id, user_id="u1", *, list_ids=(), is_admin=False, language="en", **flags):
    return {"org_id": org_id, "user_id": user_id, "is_admin": is_admin, "language": language,
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags},
            "subordinate_ids": [], "list_ids": list(list_ids)}


def account_event(org_id, account_id, *, name="Acme", version=1, list_ids=("L1",), rep1_id="u1", rep2_id=None,
                  created=True):
    record = {"id": account_id, "name": name, "rep1_id": rep1_id, "rep2_id": rep2_id, "version": version,
              "list_ids": list(list_ids), "custom": {}, "status": "active"}
    data = {"org_id": org_id, "actor_id": "u1", "record": record}
    if created:
        data["list_ids"] = list(list_ids)
    else:
        data["changed"] = ["name"]
    return ("account_created" if created else "account_updated"), data


def contact_event(org_id, contact_id, account_id, *, last_name="Tremblay", version=1, list_ids=("L1",),
                  rep1_id="u1", created=True, email=None):
    record = {"id": contact_id, "account_id": account_id, "first_name": "Marie", "last_name": last_name,
              "email": email, "rep1_id": rep1_id, "rep2_id": None, "version": version, "list_ids": list(list_ids),
              "custom": {}}
    data = {"org_id": org_id, "actor_id": "u1", "record": record}
    if created:
        data["list_ids"] = list(list_ids)
    else:
        data["changed"] = ["last_name"]
    return ("contact_created" if created else "contact_updated"), data


def ref(engine, table, record_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT * FROM opportunities.{table} WHERE id = :id"),
                            {"id": record_id}).mappings().first()


def seed_account(publish, engine, org_id, *, list_ids=("L1",), rep1_id="u1", with_contact=True, name="Acme"):
    """An account (and a contact of it) in the read model, through published contacts events."""
    account_id, contact_id = uid("acc"), uid("con")
    publish(*account_event(org_id, account_id, list_ids=list_ids, rep1_id=rep1_id, name=name))
    if with_contact:
        publish(*contact_event(org_id, contact_id, account_id, list_ids=list_ids, rep1_id=rep1_id))
        eventually(lambda: ref(engine, "contact_refs", contact_id), what=f"contact {contact_id} in the read model")
    eventually(lambda: ref(engine, "account_refs", account_id), what=f"account {account_id} in the read model")
    return account_id, contact_id



def calendar_part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/calendar")


def calendar_of(message):
    """The .ics an invitation email carries, parsed."""
    return Calendar.from_ical(calendar_part(message).get_payload(decode=True))


def sent_for_task(relay, task_id):
    """The invitations of the task a ``carnet_testing.mail`` relay accepted (their event's UID names it)."""
    uid_of_task = f"task-{task_id}@carnet"
    return relay.received(lambda message: str(calendar_of(message).walk("VEVENT")[0]["UID"]) == uid_of_task)


def sentinel_sent(rpc, actor, relay):
    """Proof that the invitation job went past everything queued so far: a sentinel invitation queued now (a task of
    ``actor``'s own, to an address of its own), waited for until the relay has it. The job takes due invitations
    oldest first, so whatever was due before it has been sent, refused or dropped by then."""
    address = f"{uid('sentinel')}@carnet.test"
    task = rpc.create_task(actor, {"type": "todo", "title": "Sentinel", "due_at": "2030-01-01T12:00:00Z"})
    rpc.invite_task(actor, task["id"], {"to": "assignee", "recipient": {"email": address}})
    eventually(lambda: relay.to(address), what=f"the sentinel invitation to {address} at the relay")
