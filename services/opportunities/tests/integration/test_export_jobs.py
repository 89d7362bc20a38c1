"""Exports of opportunities (O-6) above the threshold run as background jobs (N-4), against the service as a process
with real PostgreSQL and RabbitMQ; the read model is fed by published contacts events.

This module runs its own opportunities service with ``EXPORT_SYNC_MAX_ROWS=3``, so a job starts above three rows.
"""
import base64
import io
import uuid

import openpyxl
import pytest
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from opp_helpers import make_actor, seed_account, uid
from stack import ROOT, SERVICES  # scripts/stack.py, on the path by pytest.ini

import carnet_testing as testing
from carnet_common.config import sqlalchemy_url
from carnet_common.errors import Conflict, NotFound
from carnet_common.events import make_envelope

OPPORTUNITIES = [service for service in SERVICES if service["name"] == "opportunities"]
ID, TITLE, STAGE, TOTAL = 0, 1, 4, 7   # columns of export_xlsx.COLUMNS


@pytest.fixture(scope="module")
def xenv(tmp_path_factory):
    with testing.bootstrapped_env(OPPORTUNITIES, root=ROOT, LOG_LEVEL="WARNING", EXPORT_SYNC_MAX_ROWS="3",
                                  EXPORT_DIR=str(tmp_path_factory.mktemp("exports"))) as env:
        yield env


@pytest.fixture(scope="module")
def xrpc(xenv, tmp_path_factory):
    with testing.running_services(OPPORTUNITIES, root=ROOT, env=xenv, log_dir=tmp_path_factory.mktemp("logs")), \
            ClusterRpcProxy(testing.rpc_config(xenv), timeout=30) as proxy:
        yield proxy.opportunities


@pytest.fixture(scope="module")
def xengine(xenv):
    engine = sa.create_engine(sqlalchemy_url(xenv["DATABASE_URL"]))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def xpublish(xrpc, xenv):
    """Publishes contacts events (``contacts.<type>``) as the contacts service would."""
    dispatch = event_dispatcher(testing.rpc_config(xenv))
    return lambda event_type, data, envelope=None: dispatch("contacts", event_type, envelope or make_envelope(data))


@pytest.fixture
def world(xrpc, xpublish, xengine):
    """An organization with two accounts in list L1: ``mine`` (rep u2) and ``theirs`` (rep u1)."""
    org = uid("org")
    admin = make_actor(org, "u1", is_admin=True, list_ids=["L1"])
    theirs, _ = seed_account(xpublish, xengine, org, rep1_id="u1", with_contact=False, name="Theirs")
    mine, _ = seed_account(xpublish, xengine, org, rep1_id="u2", with_contact=False, name="Mine")
    stages = {s["probability"]: s["id"] for s in xrpc.list_stages(admin)}
    return {"org": org, "admin": admin, "theirs": theirs, "mine": mine, "stages": stages}


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
    for other in (make_actor(world["org"], "u2", is_admin=True, list_ids=["L1"]),   # a colleague
                  make_actor(uid("org"), "u1", is_admin=True, list_ids=["L1"])):    # same user id, another org
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
    member = make_actor(world["org"], "u2", list_ids=["L1"])   # sees the accounts whose rep is u2 only
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
            "VALUES (:id, :org, 'u1', 'export_opportunities', :status, 0, CAST(:params AS jsonb))"),
            {"id": job_id, "org": world["org"], "status": status, "params": params})
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
