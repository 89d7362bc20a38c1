"""Exports (C-18) and their background jobs (N-4) against real PostgreSQL and RabbitMQ.

This module runs its own contacts service with ``EXPORT_SYNC_MAX_ROWS=3``, so a job starts above three rows, and
identity, which the job runner asks for its owner's principal of now before it runs (issue 10 §1): a job's owner
is a real user of identity's. The
writers store a carriage return as OOXML's ``_x000D_``, which spreadsheets decode and openpyxl does not: text is
compared as a spreadsheet shows it (``unescape``).
"""
import base64
import io
import json
import os
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import sqlalchemy as sa
from contacts_helpers import expect, make_actor
from nameko.standalone.rpc import ClusterRpcProxy
from openpyxl.utils.escape import unescape
from sqlalchemy.orm import Session
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

import carnet_testing as testing
from carnet_common import jobs as kit
from carnet_common.config import sqlalchemy_url
from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_common.jobs import ExportSettings
from carnet_contacts.exports import repository as exports_repository

CONTACTS = [service for service in SERVICES if service["name"] == "contacts"]
WITH_IDENTITY = [service for service in SERVICES if service["name"] in ("identity", "contacts")]
CONTACT_FIELDS = ["first_name", "last_name", "title", "email", "phone", "city", "rep1_id"]
ACCOUNT_FIELDS = ["name", "phone", "city"]


@pytest.fixture(scope="module")
def xenv(tmp_path_factory):
    with testing.bootstrapped_env(WITH_IDENTITY, root=ROOT, LOG_LEVEL="WARNING", EXPORT_SYNC_MAX_ROWS="3",
                                  EXPORT_DIR=str(tmp_path_factory.mktemp("exports"))) as env:
        yield env


@pytest.fixture(scope="module")
def xproxy(xenv, tmp_path_factory):
    with testing.running_services(WITH_IDENTITY, root=ROOT, env=xenv, log_dir=tmp_path_factory.mktemp("logs")), \
            ClusterRpcProxy(testing.rpc_config(xenv), timeout=30) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def xrpc(xproxy):
    return xproxy.contacts


@pytest.fixture(scope="module")
def engine(xenv):
    engine = sa.create_engine(sqlalchemy_url(xenv["DATABASE_URL"]))
    yield engine
    engine.dispose()


@pytest.fixture
def world(xrpc, xproxy):
    """An organization of identity's, its administrator the actor, and a list shared with all users."""
    username = f"admin{uuid.uuid4().hex[:12]}"
    created = xproxy.identity.create_organization({"name": f"Org {username}", "admin": {
        "username": username, "password": "correct-horse-battery", "full_name": "Admin",
        "email": f"{username}@example.com"}})
    admin = make_actor(created["organization"]["id"], created["user"]["id"], is_admin=True)
    shared = xrpc.create_list(admin, {"name": "Shared", "access_all_users": True})["id"]
    return {"admin": admin, "shared": shared, "org_id": admin["org_id"]}


def _request(record_type="contact", q=None, **overrides):
    request = {"record_type": record_type, "query": {"q": q} if q else {},
               "record_fields": CONTACT_FIELDS if record_type == "contact" else ACCOUNT_FIELDS,
               "account_fields": ACCOUNT_FIELDS if record_type == "contact" else [], "denied_custom": [],
               "language": "en"}
    request.update(overrides)
    return request


def _sheet(content):
    return openpyxl.load_workbook(io.BytesIO(content)).active


def _rows(sheet):
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _file(result):
    return _sheet(base64.b64decode(result["content"]))


def _contacts(xrpc, world, names, **fields):
    return [xrpc.create_contact(world["admin"], {"last_name": n, "list_ids": [world["shared"]], **fields})
            for n in names]


def test_small_export_holds_the_search_with_account_columns_in_name_order(xrpc, world):
    account = xrpc.create_account(world["admin"], {"name": "=Acme", "city": "Laval", "phone": "+1 450",
                                                   "list_ids": [world["shared"]]})
    zed, abel = _contacts(xrpc, world, ["Zed", "Abel"], account_id=account["id"], title="-PDG")
    _contacts(xrpc, world, ["Other"])
    result = xrpc.export_records(world["admin"], _request(q="=Acme"))
    assert result["rows"] == 2 and result["filename"].endswith(".xlsx")
    sheet = _file(result)
    header, rows = _rows(sheet)
    assert header[0] == "ID" and "Account name" in header and "Account ID" in header
    assert [r["ID"] for r in rows] == [abel["id"], zed["id"]]
    assert rows[0]["Account name"] == "=Acme" and rows[0]["Account phone"] == "+1 450"
    assert rows[0]["Title"] == "-PDG" and rows[0]["Account ID"] == account["id"]
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]


def test_columns_follow_field_permissions_and_language(xrpc, world):
    _contacts(xrpc, world, ["Lefebvre"], email="l@example.com")
    request = _request(q="lefebvre", record_fields=["last_name"], account_fields=[], language="fr")
    header, rows = _rows(_file(xrpc.export_records(world["admin"], request)))
    assert header == ["ID", "Nom", "Créé (America/Toronto)", "Modifié (America/Toronto)", "ID du compte"]
    assert rows[0]["Nom"] == "Lefebvre"


def test_a_user_with_fewer_visible_contacts_gets_fewer_rows(xrpc, world):
    member = make_actor(world["org_id"])
    xrpc.set_selected_lists(member, {"list_ids": [world["shared"]]})
    mine = _contacts(xrpc, world, ["Mine"], rep1_id=member["user_id"])[0]
    _contacts(xrpc, world, ["Theirs"])
    _, admin_rows = _rows(_file(xrpc.export_records(world["admin"], _request())))
    _, member_rows = _rows(_file(xrpc.export_records(member, _request())))
    assert len(admin_rows) == 2 and [r["ID"] for r in member_rows] == [mine["id"]]
    stranger = make_actor()  # another organization sees none of them
    assert _rows(_file(xrpc.export_records(stranger, _request())))[1] == []


@pytest.mark.parametrize("value", ["=1+2", "+1", "-1", "@cmd", "\t=cmd", "\r=cmd"])
def test_custom_fields_hidden_or_unreadable_are_left_out_and_values_neutralised(xrpc, world, engine, value):
    contact = _contacts(xrpc, world, ["Custom"])[0]
    with Session(engine) as session, session.begin():
        for key, hidden, position in (("note", False, 1), ("secret", True, 2), ("salary", False, 3)):
            session.execute(sa.text(
                "INSERT INTO contacts.custom_fields (id, org_id, module, key, type, label_fr, label_en, hidden, "
                "position) VALUES (:id, :org, 'contacts', :key, 'text', :key || '_fr', :key || '_en', :hidden, :pos)"),
                {"id": str(uuid.uuid4()), "org": world["org_id"], "key": key, "hidden": hidden, "pos": position})
        session.execute(sa.text("UPDATE contacts.contacts SET custom = CAST(:custom AS jsonb) WHERE id = :id"),
                        {"id": contact["id"], "custom": json.dumps({"note": value, "secret": "s", "salary": "9"})})
    sheet = _file(xrpc.export_records(world["admin"], _request(q=f"id:{contact['id']}", denied_custom=["salary"])))
    header, rows = _rows(sheet)
    assert "note_en" in header and "secret_en" not in header and "salary_en" not in header
    cell = list(sheet.iter_rows())[1][header.index("note_en")]
    assert unescape(cell.value) == value and cell.data_type == "s" and cell.quotePrefix


def test_typed_custom_fields_are_typed_cells(xrpc, world, engine):
    contact = _contacts(xrpc, world, ["Typed"])[0]
    with Session(engine) as session, session.begin():
        for position, (key, kind) in enumerate((("size", "number"), ("budget", "decimal"), ("due", "date"),
                                                ("vip", "boolean"), ("tags", "multi_choice")), start=1):
            session.execute(sa.text(
                "INSERT INTO contacts.custom_fields (id, org_id, module, key, type, label_fr, label_en, hidden, "
                "position) VALUES (:id, :org, 'contacts', :key, :kind, :key, :key, false, :pos)"),
                {"id": str(uuid.uuid4()), "org": world["org_id"], "key": key, "kind": kind, "pos": position})
        session.execute(sa.text("UPDATE contacts.contacts SET custom = CAST(:custom AS jsonb) WHERE id = :id"),
                        {"id": contact["id"], "custom": json.dumps({"size": 12, "budget": "43.98", "due": "2026-05-01",
                                                                    "vip": True, "tags": ["a", "=b"]})})
    sheet = _file(xrpc.export_records(world["admin"], _request(q=f"id:{contact['id']}")))
    header, _ = _rows(sheet)
    row = {name: cell for name, cell in zip(header, list(sheet.iter_rows())[1], strict=True)}
    assert (row["size"].value, row["size"].data_type) == (12, "n")
    assert (row["budget"].value, row["budget"].data_type) == (43.98, "n")
    assert row["due"].value == datetime(2026, 5, 1) and row["due"].number_format == "yyyy-mm-dd"
    assert row["vip"].value is True and row["tags"].value == "a, =b" and row["tags"].data_type == "s"
    assert row["Created (America/Toronto)"].value.tzinfo is None
    assert row["Created (America/Toronto)"].data_type == "d"


def test_bad_query_is_refused(xrpc, world):
    with expect(InvalidInput):
        xrpc.export_records(world["admin"], _request(q="x" * 501))
    with expect(InvalidInput):
        xrpc.export_records(world["admin"], _request(record_type="task"))


def test_large_export_runs_as_a_job_owned_by_its_caller(xrpc, world):
    created = _contacts(xrpc, world, [f"Nom{i}" for i in range(5)], phone="=2+2")
    started = xrpc.export_records(world["admin"], _request())
    assert set(started) == {"job_id"}
    progress = []  # as each read of the job saw it

    def read_job():
        job = xrpc.get_job(world["admin"], started["job_id"])
        progress.append(job["progress"])
        return job
    job = testing.eventually(read_job, lambda job: job["status"] in ("done", "failed"), timeout=60,
                             what="the export job finished")
    assert job["status"] == "done" and job["progress"] == 100 and job["errors"] == [] and job["chunks"] >= 1
    assert progress == sorted(progress)
    content = b"".join(base64.b64decode(xrpc.read_job_chunk(world["admin"], job["id"], seq)["data"])
                       for seq in range(job["chunks"]))
    assert len(content) == job["size"]
    sheet = _sheet(content)
    _, rows = _rows(sheet)
    assert sorted(r["ID"] for r in rows) == sorted(c["id"] for c in created)
    assert {r["Phone"] for r in rows} == {"=2+2"}
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    colleague = make_actor(world["org_id"], is_admin=True)
    for other in (colleague, make_actor(user_id=world["admin"]["user_id"])):
        with expect(NotFound):
            xrpc.get_job(other, job["id"])
        with expect(NotFound):
            xrpc.read_job_chunk(other, job["id"], 0)
    with expect(NotFound):
        xrpc.read_job_chunk(world["admin"], job["id"], job["chunks"])


def test_a_job_writes_timestamps_in_the_zone_of_its_request(xrpc, world, engine):
    """N-6: the job runs later, with the actor it was queued with: its organization's zone, in the headers and the
    cells (22:30 UTC on March 14th is 11:30 on March 15th in Auckland); the name of the file is in that zone too."""
    created = _contacts(xrpc, world, [f"Fuseau{i}" for i in range(4)])
    with Session(engine) as session, session.begin():
        session.execute(sa.text("UPDATE contacts.contacts SET created_at = '2026-03-14T22:30:00Z' "
                                "WHERE id = ANY(:ids)"), {"ids": [c["id"] for c in created]})
    zoned = {**world["admin"], "timezone": "Pacific/Auckland"}
    started = xrpc.export_records(zoned, _request(q="fuseau"))
    job = testing.eventually(lambda: xrpc.get_job(zoned, started["job_id"]),
                             lambda job: job["status"] in ("done", "failed"), timeout=60,
                             what="the export job finished")
    assert job["status"] == "done", job
    content = b"".join(base64.b64decode(xrpc.read_job_chunk(zoned, job["id"], seq)["data"])
                       for seq in range(job["chunks"]))
    header, rows = _rows(_sheet(content))
    assert "Created (Pacific/Auckland)" in header and "Updated (Pacific/Auckland)" in header
    assert {row["Created (Pacific/Auckland)"] for row in rows} == {datetime(2026, 3, 15, 11, 30)}


def test_a_small_export_is_named_after_the_time_in_the_organization_zone(xrpc, world):
    _contacts(xrpc, world, ["Horodaté"])
    before = datetime.now(ZoneInfo("Pacific/Kiritimati")).replace(tzinfo=None, microsecond=0)
    result = xrpc.export_records({**world["admin"], "timezone": "Pacific/Kiritimati"}, _request(q="horodate"))
    named = datetime.strptime(result["filename"], "contacts-%Y%m%d-%H%M%S.xlsx")
    assert before <= named <= before + timedelta(minutes=1), (before, result["filename"])  # UTC+14, not UTC


def _insert_job(engine, world, *, status, age_hours):
    job_id = str(uuid.uuid4())
    with Session(engine) as session, session.begin():
        session.execute(sa.text(
            "INSERT INTO contacts.jobs (id, org_id, user_id, kind, status, progress, params, created_at, "
            "updated_at, expires_at) VALUES (:id, :org, :user, 'export_contacts', :status, 0, '{}', "
            "now() - make_interval(hours => :age), now() - make_interval(hours => :age), "
            "now() - make_interval(hours => :age) + interval '24 hours')"),
            {"id": job_id, "org": world["org_id"], "user": world["admin"]["user_id"], "status": status,
             "age": age_hours})
        session.execute(sa.text("INSERT INTO contacts.job_files (job_id, seq, data) VALUES (:id, 0, 'x')"),
                        {"id": job_id})
    return job_id


def test_a_job_still_running_has_no_file_yet(xrpc, world, engine):
    job_id = _insert_job(engine, world, status="running", age_hours=0)
    assert xrpc.get_job(world["admin"], job_id)["status"] == "running"
    with expect(Conflict, code="job_not_ready"):
        xrpc.read_job_chunk(world["admin"], job_id, 0)


def test_expired_results_and_stalled_jobs_are_cleaned(xrpc, world, engine):
    settings = ExportSettings(sync_max_rows=3, result_ttl=timedelta(hours=24),
                              stalled_after=timedelta(minutes=10), work_dir=os.getcwd())
    ids = [_insert_job(engine, world, status=status, age_hours=age)
           for status, age in (("done", 25), ("running", 1), ("done", 0))]
    with Session(engine) as session, session.begin():
        kit.clean_jobs(session, exports_repository.STORE, settings=settings, interrupted="export_interrupted")
    with expect(NotFound):
        xrpc.get_job(world["admin"], ids[0])
    stalled = xrpc.get_job(world["admin"], ids[1])
    assert stalled["status"] == "failed" and stalled["errors"] == ["export_interrupted"]
    assert xrpc.get_job(world["admin"], ids[2])["status"] == "done"
    with Session(engine) as session:
        assert session.execute(sa.text("SELECT count(*) FROM contacts.job_files WHERE job_id = :id"),
                               {"id": ids[0]}).scalar() == 0
