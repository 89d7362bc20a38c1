"""The batched creation of the imports (C-19, ``records/batch.py``) writes what the one-row use cases write:
the same records (every column but the id and the timestamps: normalised columns, custom values, version), the
same memberships, the same history entries (C-17), the same events (N-3, payloads equal but for the record's id) and
the same refusals for the same rows; and a batch whose joint write fails goes one row at a time, so its bad row
costs only itself (N-1).

Both paths run in one transaction of the migrated schema (the service's database), rolled back at the end: the
outbox rows are read before any relay could publish them.
"""
import pytest
import sqlalchemy as sa
from contacts_helpers import make_actor
from sqlalchemy.orm import Session

from carnet_common.errors import CarnetError
from carnet_contacts import models
from carnet_contacts.imports import usecases as imports
from carnet_contacts.records import batch, usecases
from carnet_contacts.records.contracts import AccountCreate, ContactCreate
from carnet_contacts.records.repository import MEMBERS, TABLES
from carnet_contacts.records.repository import batch as batch_repository

STAMPS = {"id", "created_at", "updated_at"}


@pytest.fixture
def org(rpc):
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Partagée", "access_all_users": True})["id"]
    closed = rpc.create_list(admin, {"name": "Fermée"})["id"]
    for module in ("contacts", "accounts"):
        rpc.create_custom_field(admin, module, {"key": "ref", "type": "text", "label_fr": "Réf", "label_en": "Ref"})
        rpc.create_custom_field(admin, module, {"key": "born", "type": "date", "label_fr": "Né", "label_en": "Born"})
        rpc.create_custom_field(admin, module, {"key": "secret", "type": "text", "label_fr": "S", "label_en": "S"})
        rpc.update_custom_field(admin, module, "secret", {"hidden": True})
    account = rpc.create_account(admin, {"name": "Érablière Côté", "city": "Trois-Rivières", "street": "1 rue Nord",
                                         "list_ids": [shared]})
    user = make_actor(admin["org_id"])   # may not access ``closed``
    return {"admin": admin, "user": user, "shared": shared, "closed": closed, "account": account["id"]}


def contact_bodies(org):
    shared, closed = org["shared"], org["closed"]
    rows = [
        {"first_name": "Élodie", "last_name": "Bélanger", "email": "Elodie@Exemple.CA", "phone": "(514) 222-3333",
         "city": "Montréal", "custom": {"ref": "REF-001", "born": "1990-02-03"}, "list_ids": [shared]},
        {"last_name": "O'Neil", "account_id": org["account"], "title": "Directrice", "subscribed": False,
         "list_ids": [shared]},
        {"email": "sans.nom@exemple.ca", "status": "inactive", "list_ids": [shared, closed]},   # closed: refused
        {"first_name": "Date", "custom": {"born": "pas une date"}, "list_ids": [shared]},           # refused
        {"first_name": "Zoé", "language": "fr", "list_ids": [shared]},
        {"first_name": "Caché", "custom": {"secret": "x"}, "list_ids": [shared]},                 # refused (C-14)
    ]
    return [ContactCreate().load(row) for row in rows]


def account_bodies(org):
    shared = [org["shared"]]
    rows = [{"name": "Boulangerie Saint-Louis", "city": "Québec", "custom": {"ref": "B-2"}, "list_ids": shared},
            {"name": "Fermée", "list_ids": [org["closed"]]},
            {"name": "Cachée", "custom": {"secret": "x"}, "list_ids": shared},
            {"name": "Scierie", "phone": "+1 819 555 0101", "custom": {"born": "2001-12-31"}, "list_ids": shared}]
    return [AccountCreate().load(row) for row in rows]


def one_by_one(session, record_type, actor, bodies, outbox):
    create = usecases.create_contact if record_type == "contact" else usecases.create_account
    results = []
    for body in bodies:
        savepoint = session.begin_nested()
        try:
            results.append(create(session, outbox=outbox, actor=actor, data=body))
            savepoint.commit()
        except CarnetError as exc:
            savepoint.rollback()
            results.append(exc)
    return results


def written(session, record_type, ids):
    """Every row the creation of ``ids`` wrote, without ids and stamps: records, memberships, history, events."""
    table = TABLES[record_type]
    members, key = MEMBERS[record_type]
    position = {record_id: index for index, record_id in enumerate(ids)}
    records = {row["id"]: {k: v for k, v in row.items() if k not in STAMPS}
               for row in session.execute(sa.select(table).where(table.c.id.in_(ids))).mappings()}
    lists = {record_id: [] for record_id in ids}
    for record_id, list_id in session.execute(sa.select(members.c[key], members.c.list_id)
                                              .where(members.c[key].in_(ids)).order_by(members.c.list_id)):
        lists[record_id].append(list_id)
    history = {record_id: [] for record_id in ids}
    for row in session.execute(sa.select(models.history).where(models.history.c.record_id.in_(ids))).mappings():
        history[row["record_id"]].append({k: row[k] for k in ("org_id", "record_type", "user_id", "field", "old",
                                                               "new")})
    events = {}
    for row in session.execute(sa.select(models.outbox.c.event_type, models.outbox.c.envelope)).mappings():
        data = row["envelope"]["data"]
        record = data.get("record") or {}
        if record.get("id") in position:
            events[record["id"]] = (row["event_type"], _without_stamps(data))
    return [(records[i], lists[i], history[i], events.get(i)) for i in ids]


def _without_stamps(data):
    return {**data, "record": {k: v for k, v in data["record"].items() if k not in STAMPS}}


def outcome(result):
    if isinstance(result, CarnetError):
        return ("refused", type(result).__name__, result.code, result.errors)
    return ("created", {k: v for k, v in result.items() if k not in STAMPS})


@pytest.mark.parametrize("record_type", ["contact", "account"])
def test_batched_creation_writes_what_the_one_row_use_case_writes(engine, org, record_type):
    bodies = contact_bodies(org) if record_type == "contact" else account_bodies(org)
    for actor in (org["admin"], org["user"]):
        with Session(engine) as session:
            outbox = imports.job_outbox()
            single = one_by_one(session, record_type, actor, bodies, outbox)
            batched = batch.create_records(session, outbox=outbox, actor=actor, record_type=record_type, rows=bodies)
            assert [outcome(r) for r in batched] == [outcome(r) for r in single]
            assert any(isinstance(r, CarnetError) for r in single) and any(isinstance(r, dict) for r in single)
            made = [(a["id"], b["id"]) for a, b in zip(single, batched, strict=True) if isinstance(a, dict)]
            one = written(session, record_type, [a for a, _ in made])
            many = written(session, record_type, [b for _, b in made])
            assert many == one
            for record, lists, history, event in many:
                assert record["version"] == 1 and lists and [h["field"] for h in history] == ["created"]
                assert event is not None and event[0] == f"{record_type}_created"
            session.rollback()


def test_a_batch_whose_joint_write_fails_goes_one_row_at_a_time(engine, org, monkeypatch):
    """The batch's INSERT fails in PostgreSQL (here a division by zero in its place): the savepoint is rolled back
    and every row is written by the one-row use case; what the import did is recorded for each."""
    def failing(session, record_type, rows):
        session.execute(sa.text("SELECT 1 / 0"))
    monkeypatch.setattr(batch_repository, "insert_records", failing)
    bodies = contact_bodies(org)
    report = imports.Report("fr", len(bodies))
    options = {"import_id": None, "list_ids": [org["shared"]]}
    with Session(engine) as session:
        recorded = []
        monkeypatch.setattr(imports.repository, "add_done", lambda session, rows: recorded.extend(rows))
        imports._write_creates(session, "contact", org["user"], options,
                               list(enumerate(bodies, start=2)), report, imports.job_outbox())
        # the user sees neither the account (row 3) nor the closed list (row 4); row 5's date, row 7's hidden field
        assert report.counts["created"] == 2 and report.counts["failed"] == 4, report.errors
        assert [(e["row"], e["code"]) for e in report.errors] == [
            (3, "unknown_account"), (4, "unknown_list"), (5, "custom_date_expected"), (7, "unknown_custom_field")]
        assert [r["row_number"] for r in recorded] == [2, 6]
        ids = [r["record_id"] for r in recorded]
        stored = session.execute(sa.select(models.contacts.c.id, models.contacts.c.version)
                                 .where(models.contacts.c.id.in_(ids))).all()
        assert sorted(stored) == sorted((i, 1) for i in ids)
        session.rollback()


def test_the_jobs_statement_timeout_outlives_each_batch_commit(engine):
    """The jobs kit sets the job's statement timeout ``LOCAL`` once; an import commits after each batch, and its later
    batches keep that timeout, not the service's 12 s (a slow lookup there failed the whole import)."""
    told = []
    with Session(engine) as session:
        session.execute(sa.text("SET LOCAL statement_timeout = '37min'"))
        imports._progress(session, "no-such-job", imports.Report("en", 0), lambda done, total: told.append(done))
        assert session.execute(sa.text("SHOW statement_timeout")).scalar() == "37min"
        session.commit()
        assert session.execute(sa.text("SHOW statement_timeout")).scalar() != "37min"
    assert told == [0]
