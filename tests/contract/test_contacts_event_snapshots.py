"""Payloads of the contacts service's events, as opportunities, campaigns, forms and accounting will rely
on them (issue 4: document each payload and snapshot-test it).

Each event is produced by the real use case against a migrated database; the keys and JSON types of its
data must match ``snapshots/contacts_events.json``. Regenerate deliberately with
``CARNET_UPDATE_SNAPSHOTS=1`` and check every consumer in the same commit.
"""
import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from test_identity_event_snapshots import RecordingOutbox, _shape

from carnet_common.bootstrap import migrate
from carnet_common.config import sqlalchemy_url
from carnet_contacts import events
from carnet_contacts.form_submissions import usecases as form_submissions
from carnet_contacts.lifecycle import usecases as lifecycle
from carnet_contacts.lists import usecases as lists
from carnet_contacts.records import usecases
from carnet_testing import fresh_database

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("snapshots") / "contacts_events.json"
ACTOR = {"org_id": "org-snap", "user_id": "user-snap", "is_admin": True, "request_id": None,
         "flags": {"all_contacts": True, "hierarchy_contacts": False, "own_records_only": False},
         "subordinate_ids": []}


@pytest.fixture(scope="module")
def produced_events():
    with fresh_database() as url:
        migrate(str(ROOT / "services/contacts/alembic.ini"), sqlalchemy_url(url))
        outbox = RecordingOutbox()
        engine = create_engine(sqlalchemy_url(url))
        with Session(engine) as session, session.begin():
            first = lists.create_list(session, outbox=outbox, actor=ACTOR, data={"name": "Clients"})
            second = lists.create_list(session, outbox=outbox, actor=ACTOR, data={"name": "Prospects"})
            lists.update_list(session, outbox=outbox, actor=ACTOR, list_id=second["id"],
                              data={"name": "Prospects 2027"})
            account = usecases.create_account(session, outbox=outbox, actor=ACTOR, data={
                "name": "Gagnon inc.", "city": "Montréal", "list_ids": [first["id"]]})
            other = usecases.create_account(session, outbox=outbox, actor=ACTOR, data={
                "name": "Roy ltée", "list_ids": [first["id"]]})
            usecases.update_account(session, outbox=outbox, actor=ACTOR, account_id=account["id"],
                                    data={"phone": "514-222-3333"})
            contact = usecases.create_contact(session, outbox=outbox, actor=ACTOR, data={
                "first_name": "Émile", "last_name": "Dupré", "email": "emile@example.com",
                "list_ids": [first["id"]], "account_id": account["id"]})
            usecases.update_contact(session, outbox=outbox, actor=ACTOR, contact_id=contact["id"],
                                    data={"title": "PDG"})
            usecases.set_record_lists(session, outbox=outbox, actor=ACTOR, record_type="contact",
                                      record_id=contact["id"], data={"list_ids": [first["id"], second["id"]]})
            lifecycle.move_contact(session, outbox=outbox, actor=ACTOR, contact_id=contact["id"],
                                   data={"account_id": other["id"]})
            form_submissions.apply_submission(session, outbox=outbox, data={
                "org_id": ACTOR["org_id"], "submission_id": "sub-snap", "form_id": "form-snap", "version": 1,
                "list_id": first["id"], "email": "form@example.com", "values": {"first_name": "Léa"}, "custom": {},
                "language": "fr", "at": "2026-12-07T00:00:00+00:00"})
            lifecycle.delete_contact(session, outbox=outbox, actor=ACTOR, contact_id=contact["id"])
            lifecycle.restore(session, outbox=outbox, actor=ACTOR, trash_id=contact["id"],
                              record_types=("contact", "account"))
            lifecycle.delete_account(session, outbox=outbox, actor=ACTOR, account_id=account["id"])
            lifecycle.restore(session, outbox=outbox, actor=ACTOR, trash_id=account["id"],
                              record_types=("contact", "account"))
            lists.delete_list(session, outbox=outbox, actor=ACTOR, list_id=second["id"])
            lifecycle.delete_contact(session, outbox=outbox, actor=ACTOR, contact_id=contact["id"])
            lifecycle.delete_account(session, outbox=outbox, actor=ACTOR, account_id=account["id"])
            lifecycle.purge(session, outbox=outbox, now=datetime.now(timezone.utc) + timedelta(days=31))
        engine.dispose()
        yield outbox.events


def test_contacts_event_payloads_match_their_snapshot(produced_events):
    shapes = {}
    for event_type, data in produced_events:
        shapes.setdefault(event_type, _shape(data))
    if os.environ.get("CARNET_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(shapes, indent=2, sort_keys=True) + "\n")
    assert shapes == json.loads(SNAPSHOT.read_text())


def test_every_documented_contacts_event_is_produced_and_snapshotted(produced_events):
    documented = {value for name, value in vars(events).items() if name.isupper() and isinstance(value, str)}
    produced = {event_type for event_type, _ in produced_events}
    assert documented - produced <= {events.LIST_GRANTS_CHANGED}
    assert produced <= documented
