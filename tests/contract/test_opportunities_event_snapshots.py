"""Payloads of the opportunities service's events, as contacts consumes them (``opportunity_*`` feed its summary of
each opportunity, ``task_*`` its summary of each task: the action criteria of C-12).

Every event is produced by the service's real use cases and by its own handlers of the contacts events (the
delete conversation of C-10: reattach, delete, restore, purge), against a migrated database. No exemption: all the
payloads of an event type are merged into one shape, each key with every JSON type its values took
(``null|string``) and a ``?`` when some payloads lack it (an ``opportunity_updated`` from an edit carries
``custom``, one from a contact's delete does not; ``custom`` holds the organization's own fields, here one,
``budget``); the shapes must match ``snapshots/opportunities_events.json``.
Then contacts' own handlers of ``opportunities.*`` (found on ``ContactsService``) are run on every payload produced,
on the contacts schema: they may subscribe only to events the service publishes and read only keys it sends.
Regenerate deliberately with ``CARNET_UPDATE_SNAPSHOTS=1`` and check the consumer in the same commit.
"""
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from nameko.events import EventHandler
from nameko.testing.services import worker_factory
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from test_identity_event_snapshots import RecordingOutbox

from carnet_common.bootstrap import migrate
from carnet_common.config import sqlalchemy_url
from carnet_common.events import make_envelope
from carnet_contacts.service import ContactsService
from carnet_opportunities import events
from carnet_opportunities.opportunities import contracts, custom_fields
from carnet_opportunities.opportunities import usecases as opportunities
from carnet_opportunities.service import OpportunitiesService
from carnet_opportunities.tasks import contracts as task_contracts
from carnet_opportunities.tasks import usecases as tasks
from carnet_testing import fresh_database

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("snapshots") / "opportunities_events.json"
ORG = "org-snap"
ACTOR = {"org_id": ORG, "user_id": "user-snap", "is_admin": True, "request_id": None, "list_ids": ["L1"]}
KINDS = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null", list: "list"}


class SessionInbox:
    """The Inbox's part of a handler, in one given session: ``apply(session, data)`` of each event, with
    ``reading(data)`` in place of the data when given (to see what the handler reads)."""

    def __init__(self, session, reading=None):
        self.session, self.reading = session, reading

    def handle(self, envelope, apply):
        data = envelope["data"]
        apply(self.session, self.reading(data) if self.reading else data)


class Reading(dict):
    """A payload that notes in ``read`` every key its reader looks up (``[key]``, ``get``, ``in``), nested ones as
    ``outer.inner``."""

    def __init__(self, data, read, prefix=""):
        super().__init__(data)
        self.read, self.prefix = read, prefix

    def _noted(self, key, value):
        path = self.prefix + key
        self.read.add(path)
        return Reading(value, self.read, path + ".") if isinstance(value, dict) else value

    def __getitem__(self, key):
        return self._noted(key, super().__getitem__(key))

    def get(self, key, default=None):
        return self._noted(key, super().get(key, default))

    def __contains__(self, key):
        self._noted(key, None)
        return super().__contains__(key)


def _merged(values):
    """The shape of several payloads: per key, the JSON types its values took, ``?`` after a key some lack."""
    objects = [value for value in values if isinstance(value, dict)]
    if not objects:
        return "|".join(sorted({KINDS[type(value)] for value in values}))
    assert len(objects) == len(values), f"an object and a {values}: a shape cannot say it"
    keys = sorted({key for value in objects for key in value})
    return {key + ("" if all(key in value for value in objects) else "?"):
            _merged([value[key] for value in objects if key in value]) for key in keys}


def _paths(shape, prefix=""):
    """The key paths (``outer.inner``) a shape of ``_merged`` names."""
    found = set()
    for key, value in shape.items():
        path = prefix + key.rstrip("?")
        found.add(path)
        if isinstance(value, dict):
            found |= _paths(value, path + ".")
    return found


def _contacts_event(service, moments, event_type, data):
    """``contacts.<event_type>`` as the opportunities service's own handler applies it."""
    envelope = {**make_envelope({"org_id": ORG, "actor_id": "user-snap", **data}),
                "occurred_at": next(moments).isoformat()}
    getattr(service, f"on_{event_type}")(envelope)


class SourceWithoutRecords:
    """The contacts service as the use cases ask it (``readmodel/links.py``): it holds none of the records of the
    events published here, so the read model's answer stands."""

    def get_record_refs(self, actor, refs):
        return {kind: [] for kind in refs}


def _produce(session, outbox):
    """Every event of the service: opportunities and tasks made, changed and deleted by their use cases, then what
    a contact's delete (reattach, then delete), restore and purge, and an account's purge, do to them."""
    service = worker_factory(OpportunitiesService, inbox=SessionInbox(session), outbox=outbox)
    moments = (datetime.now(timezone.utc) + timedelta(seconds=n) for n in range(100))
    record = {"rep1_id": "user-snap", "rep2_id": None, "version": 1, "list_ids": ["L1"]}
    for account_id in ("acc-1", "acc-2"):
        _contacts_event(service, moments, "account_created", {
            "record": {"id": account_id, "name": account_id, **record}, "list_ids": ["L1"]})
    _contacts_event(service, moments, "contact_created", {
        "record": {"id": "con-1", "account_id": "acc-1", "first_name": "Émile", "last_name": "Dupré",
                   "email": "emile@example.com", **record}, "list_ids": ["L1"]})
    source = SourceWithoutRecords()
    actor = contracts.Actor().load(ACTOR)
    task_actor = task_contracts.TaskActor().load(ACTOR)
    budget = contracts.CustomFieldCreate().load({"key": "budget", "type": "text", "label_fr": "Budget",
                                                 "label_en": "Budget"})
    custom_fields.ADMIN.create_field(session, actor=actor, module="opportunities", data=budget)
    stage_id = next(s["id"] for s in opportunities.list_stages(session, actor=actor) if s["probability"] == 25)

    def opportunity(**data):
        data = contracts.OpportunityCreate().load({"stage_id": stage_id, **data})
        return opportunities.create_opportunity(session, outbox=outbox, contacts=source, actor=actor, data=data)["id"]

    def task(**data):
        return tasks.create_task(session, outbox=outbox, contacts=source, actor=task_actor,
                                 data=task_contracts.TaskCreate().load({"type": "call", **data}))["id"]

    named = opportunity(title="Toit", account_id="acc-1", contact_id="con-1", close_date="2027-03-01",
                        rep2_id="user-2", lines=[{"quantity": "2", "unit_price": "10.50"}], custom={"budget": "12 k$"})
    dropped = opportunity(title="Abandon", account_id="acc-1")
    imported = contracts.OpportunityImport().load({"title": "Facture 12", "account_id": "acc-2", "stage_id": stage_id,
                                                   "source": "acomba", "external_ref": "F-12"})
    opportunities.create_opportunity(session, outbox=outbox, contacts=source, actor=actor,
                                     source=imported.pop("source"), data=imported)
    opportunities.update_opportunity(session, outbox=outbox, contacts=source, actor=actor, opportunity_id=named,
                                     data=contracts.OpportunityUpdate().load({"custom": {"budget": "15 k$"}},
                                                                             partial=True))
    opportunities.delete_opportunity(session, outbox=outbox, actor=actor, opportunity_id=dropped)
    linked = task(title="Appel", contact_id="con-1", account_id="acc-1", opportunity_id=named,
                  due_at="2027-03-01T14:00:00Z")
    tasks.update_task(session, outbox=outbox, contacts=source, actor=task_actor, task_id=linked,
                      data=task_contracts.TaskUpdate().load({"status": "done"}))
    tasks.delete_task(session, outbox=outbox, actor=task_actor, task_id=task(title="Compte", account_id="acc-1"))

    deleted = {"contact_id": "con-1", "account_id": "acc-1", "deleted_at": datetime.now(timezone.utc).isoformat()}
    restored = {"contact_id": "con-1", "account_id": "acc-1"}
    _contacts_event(service, moments, "contact_deleted", {**deleted, "dependents": "reattach"})
    _contacts_event(service, moments, "contact_restored", restored)
    visit = task(title="Visite", contact_id="con-1", opportunity_id=named)
    following = opportunity(title="Suite", account_id="acc-1", contact_id="con-1")
    _contacts_event(service, moments, "contact_deleted", {**deleted, "dependents": "delete", "dependent_ids": {
        "opportunities": [following], "tasks": [visit]}})  # the ids the caller may delete (issue 10 §1)
    _contacts_event(service, moments, "contact_restored", restored)
    task(title="Dernière", contact_id="con-1")
    _contacts_event(service, moments, "contact_purged", {"contact_id": "con-1", "account_id": "acc-1",
                                                         "actor_id": None})
    _contacts_event(service, moments, "account_purged", {"account_id": "acc-2", "actor_id": None})


@pytest.fixture(scope="module")
def database():
    """A database with the opportunities and the contacts schemas, each built by its migrations."""
    with fresh_database() as url:
        for service in ("opportunities", "contacts"):
            migrate(str(ROOT / f"services/{service}/alembic.ini"), sqlalchemy_url(url))
        engine = create_engine(sqlalchemy_url(url))
        yield engine
        engine.dispose()


@pytest.fixture(scope="module")
def produced_events(database):
    outbox = RecordingOutbox()
    with Session(database) as session, session.begin():
        _produce(session, outbox)
    return outbox.events


@pytest.fixture(scope="module")
def shapes(produced_events):
    payloads = {}
    for event_type, data in produced_events:
        payloads.setdefault(event_type, []).append(data)
    return {event_type: _merged(values) for event_type, values in payloads.items()}


def test_opportunities_event_payloads_match_their_snapshot(shapes):
    if os.environ.get("CARNET_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(shapes, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    assert shapes == json.loads(SNAPSHOT.read_text())


def test_every_documented_opportunities_event_is_produced_and_snapshotted(produced_events):
    documented = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    assert {event_type for event_type, _ in produced_events} == documented


def _consumed():
    """``{event_type: method}`` of contacts' handlers of ``opportunities.*`` events."""
    handlers = {}
    for name in dir(ContactsService):
        for entrypoint in getattr(getattr(ContactsService, name), "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler) and entrypoint.source_service == "opportunities":
                handlers[entrypoint.event_type] = name
    return handlers


def test_contacts_reads_only_what_the_opportunities_events_send(database, produced_events, shapes):
    consumed = _consumed()
    assert consumed and set(consumed) <= set(shapes), "contacts subscribes to an event the service never publishes"
    read = {event_type: set() for event_type in consumed}
    with Session(database) as session:  # rolled back when closed
        for event_type, data in produced_events:
            if event_type not in consumed:
                continue
            inbox = SessionInbox(session, reading=lambda payload, seen=read[event_type]: Reading(payload, seen))
            getattr(worker_factory(ContactsService, inbox=inbox), consumed[event_type])(make_envelope(data))
    for event_type, paths in read.items():
        assert paths, f"contacts' handler of {event_type} read nothing"
        assert paths <= _paths(shapes[event_type]), f"contacts reads {event_type} keys the service never sends"
