"""Two rules that had no test of their own (issue 10 §6): the dashboard's probability-weighted pipeline (D-1) and a
contact who changes jobs leaving its tasks and opportunities on the old account (C-7), through the gateway with the
opportunities service's read model fed by contacts' events."""
import pytest
import sqlalchemy as sa
from conftest import add_member, assert_problem, ok, sign_up

from carnet_common.config import sqlalchemy_url
from carnet_testing import handled


@pytest.fixture(scope="module")
def engine(stack):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    yield engine
    engine.dispose()


def _stages(client):
    return {s["probability"]: s["id"] for s in ok(client.get("/stages"))}


def _opportunity(client, account_id, stage_id, *prices, **extra):
    lines = [{"quantity": "1", "unit_price": price} for price in prices]
    return ok(client.post("/opportunities", json={"title": "Affaire", "account_id": account_id, "stage_id": stage_id,
                                                  "close_date": "2026-06-30", "lines": lines, **extra}), 201)


def _pipeline(client, **params):
    return {row["probability"]: (row["count"], row["total"], row["weighted_total"])
            for row in ok(client.get("/dashboard", params=params))["pipeline"]}


def test_the_pipeline_counts_open_opportunities_by_stage_with_their_weighted_totals(org):
    """D-1: per open stage, the count, the total and the total weighted by the stage's probability, exact to the
    cent; won, lost and trashed opportunities and another organization's are not in it; a user limited to their
    own records (S-4) sees only theirs."""
    admin = org["admin"]
    stages = _stages(admin)
    account = ok(admin.post("/accounts", json={"name": "Pipeline inc.", "list_ids": [org["shared"]]}), 201)
    seller = add_member(org, modules={m: {"read": True, "write": True, "delete": False, "export": False}
                                      for m in ("contacts", "accounts", "opportunities", "dashboard")},
                        flags={"own_records_only": True})
    _opportunity(admin, account["id"], stages[40], "100.00")
    _opportunity(admin, account["id"], stages[40], "33.33", rep1_id=seller["user"]["id"])
    _opportunity(admin, account["id"], stages[25], "19.99")
    _opportunity(admin, account["id"], stages[90], "0.10", "1000.00")
    _opportunity(admin, account["id"], stages[100], "500.00")        # won: a transaction, not the pipeline
    _opportunity(admin, account["id"], stages[0], "700.00")          # lost
    trashed = _opportunity(admin, account["id"], stages[40], "999.99")
    ok(admin.delete(f"/opportunities/{trashed['id']}"), 204)
    other, _ = sign_up(org["base_url"])
    their_list = ok(other.post("/lists", json={"name": "Leur liste", "access_all_users": True}), 201)
    elsewhere = ok(other.post("/accounts", json={"name": "Ailleurs", "list_ids": [their_list["id"]]}), 201)
    _opportunity(other, elsewhere["id"], _stages(other)[40], "55.55")

    assert _pipeline(admin) == {
        10: (0, "0.00", "0.00"),
        25: (1, "19.99", "5.00"),            # 4.9975
        40: (2, "133.33", "53.33"),          # 53.332
        60: (0, "0.00", "0.00"),
        80: (0, "0.00", "0.00"),
        90: (1, "1000.10", "900.09"),
    }
    assert _pipeline(seller["client"])[40] == (1, "33.33", "13.33")    # 13.332: their own opportunity only
    assert sum(count for count, _, _ in _pipeline(seller["client"]).values()) == 1
    transactions = ok(admin.get("/dashboard", params={"from": "2026-01-01", "to": "2026-12-31"}))["transactions"]
    assert transactions == {"won": {"count": 1, "total": "500.00"}, "lost": {"count": 1, "total": "700.00"}}


def _moved_event(engine, contact_id):
    with engine.connect() as conn:
        return conn.execute(sa.text(
            "SELECT id FROM contacts.outbox WHERE event_type = 'contact_moved'"
            " AND envelope -> 'data' ->> 'contact_id' = :id"
        ), {"id": contact_id}).scalar_one()


def test_a_contact_who_changes_jobs_leaves_its_tasks_and_opportunities_on_the_old_account(org, engine):
    """C-7: after `POST /contacts/{id}/move`, once the opportunities service has handled `contact_moved`, the
    contact's opportunity and task still belong to the old account (and show there), the new account has none of
    them, and the contact is now the new account's contact for new opportunities, no longer the old one's."""
    admin, shared = org["admin"], org["shared"]
    old = ok(admin.post("/accounts", json={"name": "Ancien employeur", "list_ids": [shared]}), 201)
    new = ok(admin.post("/accounts", json={"name": "Nouvel employeur", "list_ids": [shared]}), 201)
    contact = ok(admin.post(f"/accounts/{old['id']}/contacts", json={"first_name": "Lise", "last_name": "Roy"}), 201)
    stage = _stages(admin)[40]
    opportunity = _opportunity(admin, old["id"], stage, "250.00", contact_id=contact["id"])
    task = ok(admin.post("/tasks", json={"type": "call", "title": "Relancer", "contact_id": contact["id"],
                                         "account_id": old["id"]}), 201)

    ok(admin.post(f"/contacts/{contact['id']}/move", json={"account_id": new["id"]}))
    handled(engine, "opportunities", [_moved_event(engine, contact["id"])])

    assert ok(admin.get(f"/opportunities/{opportunity['id']}"))["account_id"] == old["id"]
    assert ok(admin.get(f"/tasks/{task['id']}"))["account_id"] == old["id"]
    assert [o["id"] for o in ok(admin.get("/opportunities", params={"account_id": old["id"]}))["items"]] == [
        opportunity["id"]]
    assert ok(admin.get("/opportunities", params={"account_id": new["id"]}))["items"] == []
    history = ok(admin.get(f"/contacts/{contact['id']}/history"))
    assert [(e["old"], e["new"]) for e in history if e["field"] == "account_id"] == [(old["id"], new["id"])], history

    _opportunity(admin, new["id"], stage, "1.00", contact_id=contact["id"])
    assert_problem(admin.post("/opportunities", json={"title": "Plus là", "account_id": old["id"], "stage_id": stage,
                                                      "contact_id": contact["id"]}), 422, fields=["contact_id"])
