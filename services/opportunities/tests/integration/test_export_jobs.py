"""Exports of opportunities (O-6) above the threshold run as background jobs (N-4), against the service as a process
with real PostgreSQL and RabbitMQ; the read model is fed by published contacts events.

This module runs its own opportunities service with ``EXPORT_SYNC_MAX_ROWS=3``, so a job starts above three rows,
beside identity and contacts: before a job runs, the service asks identity for its owner's principal of now and
contacts for the lists they may see now (issue 10 §1), so the owners are real users of identity's and the records
real ones of contacts', reaching the read model by contacts' own events.
"""
import base64
import io
import uuid

import openpyxl
import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from opp_helpers import make_actor, ref, uid
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

import carnet_testing as testing
from carnet_common.config import sqlalchemy_url
from carnet_common.errors import Conflict, NotFound

UNDER_TEST = [service for service in SERVICES if service["name"] in ("identity", "contacts", "opportunities")]
PASSWORD = "correct-horse-battery"
EXPORTER = {"modules": {"contacts": {"read": True}, "accounts": {"read": True},
                        "opportunities": {"read": True, "write": True, "export": True}}, "fields": {}}
ID, TITLE, STAGE, TOTAL = 0, 1, 4, 7   # columns of export_xlsx.COLUMNS


@pytest.fixture(scope="module")
def xenv(tmp_path_factory):
    with testing.bootstrapped_env(UNDER_TEST, root=ROOT, LOG_LEVEL="WARNING", EXPORT_SYNC_MAX_ROWS="3",
                                  EXPORT_DIR=str(tmp_path_factory.mktemp("exports"))) as env:
        yield env


@pytest.fixture(scope="module")
def xproxy(xenv, tmp_path_factory):
    with testing.running_services(UNDER_TEST, root=ROOT, env=xenv, log_dir=tmp_path_factory.mktemp("logs")), \
            ClusterRpcProxy(testing.rpc_config(xenv), timeout=30) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def xrpc(xproxy):
    return xproxy.opportunities


@pytest.fixture(scope="module")
def xengine(xenv):
    engine = sa.create_engine(sqlalchemy_url(xenv["DATABASE_URL"]))
    yield engine
    engine.dispose()


def _contacts_actor(org_id, user_id, *, is_admin=False):
    return {"org_id": org_id, "user_id": user_id, "is_admin": is_admin, "request_id": None,
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False},
            "subordinate_ids": []}


@pytest.fixture
def world(xproxy, xengine):
    """An organization of identity's: its administrator ``u1`` and ``u2``, a member whose role may export
    opportunities, both with the list shared with all users selected; two accounts of contacts' in it, ``mine``
    (rep u2) and ``theirs`` (rep u1), known to the read model."""
    identity, contacts = xproxy.identity, xproxy.contacts
    username = uid("admin")
    created = identity.create_organization({"name": f"Org {username}", "admin": {
        "username": username, "password": PASSWORD, "full_name": "Admin", "email": f"{username}@example.com"}})
    org, u1 = created["organization"]["id"], created["user"]["id"]
    as_admin = {"org_id": org, "user_id": u1, "is_admin": True, "request_id": None}
    role = identity.create_role(as_admin, {"name": "Exportateurs"})
    identity.set_permissions(as_admin, role["id"], EXPORTER)
    member = uid("member")
    u2 = identity.create_user(as_admin, {"username": member, "password": PASSWORD, "full_name": "Membre",
                                         "email": f"{member}@example.com", "role_id": role["id"]})["id"]
    shared = contacts.create_list(_contacts_actor(org, u1, is_admin=True),
                                  {"name": "Shared", "access_all_users": True})["id"]
    for user_id, is_admin in ((u1, True), (u2, False)):
        contacts.set_selected_lists(_contacts_actor(org, user_id, is_admin=is_admin), {"list_ids": [shared]})
    accounts = {name: contacts.create_account(_contacts_actor(org, u1, is_admin=True),
                                              {"name": name.title(), "rep1_id": rep, "list_ids": [shared]})["id"]
                for name, rep in (("theirs", u1), ("mine", u2))}
    for account_id in accounts.values():
        testing.eventually(lambda a=account_id: ref(xengine, "account_refs", a),
                           what=f"account {account_id} in the read model")
    admin = make_actor(org, u1, is_admin=True, list_ids=[shared])
    stages = {s["probability"]: s["id"] for s in xproxy.opportunities.list_stages(admin)}
    return {"org": org, "admin": admin, "u1": u1, "u2": u2, "shared": shared, "stages": stages, **accounts}


def _create(xrpc, world, account, n, *, probability=25, **data):
    return [xrpc.create_opportunity(world["admin"], {
        "title": f"Opp {i}", "account_id": world[account], "stage_id": world["stages"][probability],
        "close_date": f"2026-0{i + 1}-15", "lines": [{"quantity": "2", "unit_price": f"{i + 1}0.25"}], **data})
        for i in range(n)]


def _wait_done(xrpc, actor, job_id):
    """The finished job, and the progress seen on every read until then."""
    seen = []

    def read():
        job = xrpc.get_job(actor, job_id)
        seen.append(job["progress"])
        return job
    job = testing.eventually(read, lambda job: job["status"] in ("done", "failed"), timeout=60, interval=0.2,
                             what=f"job {job_id} finished")
    return job, seen


def _download(xrpc, actor, job):
    content = b"".join(base64.b64decode(xrpc.read_job_chunk(actor, job["id"], seq)["data"])
                       for seq in range(job["chunks"]))
    assert len(content) == job["size"]
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows())


def test_up_to_the_threshold_the_file_is_the_answer(xrpc, world):
    made = _create(xrpc, world, "theirs", 3)
    result = xrpc.export_opportunities(world["admin"], {"account_id": world["theirs"]})
    assert set(result) == {"content", "filename", "rows"} and result["rows"] == 3
    assert result["filename"].startswith("opportunities-") and result["filename"].endswith(".xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["content"]))).active.iter_rows())
    assert [r[ID].value for r in rows[1:]] == [o["id"] for o in made]   # O-4: open ones, oldest close date first


def test_above_the_threshold_a_job_exports_every_row_in_o4_order_for_its_owner(xrpc, world):
    made = _create(xrpc, world, "theirs", 4, title="=HYPERLINK(\"http://x\")")
    won = _create(xrpc, world, "theirs", 1, probability=100)
    french = {**world["admin"], "language": "fr"}
    started = xrpc.export_opportunities(french, {"account_id": world["theirs"]})
    assert set(started) == {"job_id"} and started["job_id"].startswith("opportunities:")
    job, progress = _wait_done(xrpc, french, started["job_id"])
    assert (job["status"], job["progress"], job["errors"], job["kind"]) == ("done", 100, [], "export_opportunities")
    assert progress == sorted(progress) and job["filename"].endswith(".xlsx")
    rows = _download(xrpc, french, job)
    assert rows[0][TITLE].value == "Titre" and rows[0][STAGE].value == "Étape"
    assert [r[ID].value for r in rows[1:]] == [o["id"] for o in made + won]
    assert {r[TITLE].value for r in rows[1:5]} == {made[0]["title"]}
    assert [str(r[TOTAL].value) for r in rows[1:5]] == ["20.5", "40.5", "60.5", "80.5"]
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    with pytest.raises(NotFound):
        xrpc.read_job_chunk(french, job["id"], job["chunks"])
    for other in (make_actor(world["org"], world["u2"], is_admin=True, list_ids=[world["shared"]]),  # a colleague
                  make_actor(uid("org"), world["u1"], is_admin=True, list_ids=[world["shared"]])):  # another org
        with pytest.raises(NotFound):
            xrpc.get_job(other, job["id"])
        with pytest.raises(NotFound):
            xrpc.read_job_chunk(other, job["id"], 0)


def test_a_job_keeps_the_callers_visibility_and_unreadable_custom_fields(xrpc, world):
    for key, hidden in (("budget", False), ("prive", False), ("cache", True)):
        xrpc.create_custom_field(world["admin"], "opportunities", {"key": key, "type": "text", "hidden": hidden,
                                                                    "label_fr": f"{key} fr", "label_en": f"{key} en"})
    mine = _create(xrpc, world, "mine", 4, custom={"budget": "=1+1", "prive": "p"})
    _create(xrpc, world, "theirs", 2)
    member = make_actor(world["org"], world["u2"], list_ids=[world["shared"]])   # sees the accounts of rep u2 only
    started = xrpc.export_opportunities(member, {}, ["prive", 7])
    job, _ = _wait_done(xrpc, member, started["job_id"])
    rows = _download(xrpc, member, job)
    headers = [c.value for c in rows[0]]
    assert "budget en" in headers and "prive en" not in headers and "cache en" not in headers
    assert sorted(r[ID].value for r in rows[1:]) == sorted(o["id"] for o in mine)
    budget = [r[headers.index("budget en")] for r in rows[1:]]
    assert {c.value for c in budget} == {"=1+1"} and {c.data_type for c in budget} == {"s"}


def _insert_job(engine, world, *, status, params="{}"):
    job_id = f"opportunities:{uuid.uuid4()}"
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO opportunities.jobs (id, org_id, user_id, kind, status, progress, params) "
            "VALUES (:id, :org, :user, 'export_opportunities', :status, 0, CAST(:params AS jsonb))"),
            {"id": job_id, "org": world["org"], "user": world["u1"], "status": status, "params": params})
    return job_id


def test_a_running_job_has_no_file_yet(xrpc, xengine, world):
    job_id = _insert_job(xengine, world, status="running")
    assert xrpc.get_job(world["admin"], job_id)["status"] == "running"
    with pytest.raises(Conflict) as info:
        xrpc.read_job_chunk(world["admin"], job_id, 0)
    assert info.value.code == "job_not_ready"
    for bad in ("x" * 65, None, "contacts:nothing"):
        with pytest.raises(NotFound):
            xrpc.get_job(world["admin"], bad)


def test_a_job_that_cannot_run_fails_with_a_reason_for_its_owner(xrpc, xengine, world):
    job_id = _insert_job(xengine, world, status="queued", params='{"actor": {}, "query": {}}')
    job, _ = _wait_done(xrpc, world["admin"], job_id)
    assert job["status"] == "failed" and job["errors"] == ["export_failed"] and job["chunks"] == 0
    with pytest.raises(Conflict):
        xrpc.read_job_chunk(world["admin"], job_id, 0)
