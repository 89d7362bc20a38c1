"""Payloads of identity's events, as consumers (contacts, opportunities…) will rely on them.

Each event is produced by the real use case against a migrated database; its data's keys and JSON types
must match the snapshot in ``snapshots/identity_events.json``. Changing a payload means changing the
snapshot in the same commit, which is the moment to check every consumer (and bump ``version``).
Regenerate deliberately with ``CARNET_UPDATE_SNAPSHOTS=1``.
"""
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from carnet_common import redis_keys
from carnet_common.bootstrap import migrate
from carnet_common.config import sqlalchemy_url
from carnet_identity import usecases
from carnet_testing import fresh_database, fresh_redis_prefix

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("snapshots") / "identity_events.json"


class RecordingOutbox:
    """Collects what a use case would publish (the outbox's own delivery is tested in identity)."""

    def __init__(self):
        self.events = []

    def add(self, session, event_type, data, *, version=1):
        json.dumps(data)  # must be JSON-able as is
        self.events.append((event_type, data))


def _shape(value):
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return ["list"]
    return {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}[type(value)]


@pytest.fixture(scope="module")
def produced_events(monkeypatch_module):
    with fresh_database() as url:
        migrate(str(ROOT / "services/identity/alembic.ini"), sqlalchemy_url(url))
        monkeypatch_module.setenv("CARNET_REDIS_PREFIX", fresh_redis_prefix())
        redis = redis_keys.client()
        outbox = RecordingOutbox()
        engine = create_engine(sqlalchemy_url(url))
        with Session(engine) as session, session.begin():
            created = usecases.create_organization(session, redis=redis, outbox=outbox, data={
                "name": "Snapshot inc.", "admin": {"username": "snap.admin", "password": "x" * 12,
                                                   "full_name": "Snap Admin", "email": "a@example.com"}})
            actor = {"org_id": created["organization"]["id"], "user_id": created["user"]["id"], "is_admin": True}
            usecases.update_organization(session, redis=redis, outbox=outbox, actor=actor, data={"city": "Laval"})
            role = usecases.create_role(session, outbox=outbox, actor=actor, data={"name": "Reps"})
            usecases.update_role(session, outbox=outbox, actor=actor, role_id=role["id"], data={"name": "Sales"})
            user = usecases.create_user(session, redis=redis, outbox=outbox, actor=actor, data={
                "username": "snap.rep", "password": "y" * 12, "full_name": "Snap Rep", "email": "r@example.com"})
            usecases.update_user(session, redis=redis, outbox=outbox, actor=actor, user_id=user["id"],
                                 data={"role_id": role["id"], "all_contacts": True})
            usecases.set_permissions(session, redis=redis, outbox=outbox, actor=actor, role_id=role["id"],
                                     data={"modules": {"contacts": {"read": True}}})
            usecases.update_user(session, redis=redis, outbox=outbox, actor=actor, user_id=user["id"],
                                 data={"active": False, "role_id": None})
            usecases.delete_user(session, redis=redis, outbox=outbox, actor=actor, user_id=user["id"])
            usecases.delete_role(session, outbox=outbox, actor=actor, role_id=role["id"])
        engine.dispose()
        yield outbox.events


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_identity_event_payloads_match_their_snapshot(produced_events):
    shapes = {}
    for event_type, data in produced_events:
        shapes.setdefault(event_type, _shape(data))
    if os.environ.get("CARNET_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(shapes, indent=2, sort_keys=True) + "\n")
    assert shapes == json.loads(SNAPSHOT.read_text())


def test_no_event_carries_a_secret(produced_events):
    for _event_type, data in produced_events:
        text = json.dumps(data)
        assert "password" not in text.replace('"changed": ["password"]', "")
        assert "$argon2" not in text
