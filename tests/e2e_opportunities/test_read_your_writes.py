"""Read your own writes across services (issue 10 §3): the opportunities service checks the contacts and accounts a
write names against its read model of them, fed by contacts' events; a client given a record must be able to use
it at once, and must not be able to use one it just put in the trash, however far the read model lags.

The lag is made as long as the test needs: the contacts events the opportunities service consumes are held back
(``support.events``: its queues unbound, each event parked, undelivered, until released). Meanwhile every answer
must be the one the records at the source call for (O-1, T-1, C-2, C-7, C-10); the refs the read-through wrote
(``account_refs``, ``contact_refs``) prove it asked contacts, and once the events are released the read model
handles them and keeps agreeing."""
import concurrent.futures
import functools

import pytest
import sqlalchemy as sa
from conftest import PASSWORD, add_member, assert_problem, eventually, login, ok, sign_up
from support.events import held_events
from support.http import ApiClient
from support.orgs import stage_id

from carnet_common.config import sqlalchemy_url
from carnet_opportunities.service import OpportunitiesService
from carnet_testing import handled

ROUNDS, CLIENTS = 24, 6


@pytest.fixture(scope="module")
def engine(stack):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    yield engine
    engine.dispose()


@pytest.fixture
def hold(stack):
    """``with hold() as held:`` the contacts events of the opportunities service held back in the block."""
    return functools.partial(held_events, stack.env["AMQP_URI"], OpportunitiesService, source="contacts")


def _refs(engine, table, ids):
    with engine.connect() as conn:
        return set(conn.execute(sa.text(f"SELECT id FROM opportunities.{table} WHERE id = ANY(:ids)"),
                                {"ids": list(ids)}).scalars())


def _in_read_model(engine, client, org):
    """An account with a contact, once the read model has them (their events handled)."""
    account = ok(client.post("/accounts", json={"name": "Scierie Roy", "list_ids": [org["shared"]]}), 201)
    contact = ok(client.post("/contacts", json={"first_name": "Paul", "last_name": "Roy", "list_ids": [org["shared"]],
                                                "account_id": account["id"]}), 201)
    _wait_for_refs(engine, account["id"], contact["id"])
    return account, contact


def _wait_for_refs(engine, account_id, contact_id=None):
    eventually(lambda: (_refs(engine, "account_refs", [account_id]),
                        _refs(engine, "contact_refs", [contact_id] if contact_id else [])),
               lambda found: found == ({account_id}, {contact_id} if contact_id else set()),
               what="the read model has the records")


def test_records_just_created_are_linked_at_once_under_load(stack, org, engine, hold):
    """Create an account, then at once an opportunity on it; a contact, then at once a task on it and an
    opportunity naming it: CLIENTS clients, ROUNDS rounds, every answer 201 while no event reaches the read model."""
    username, shared = org["user"]["username"], org["shared"]
    stage = stage_id(org["admin"])
    clients = [ApiClient(stack.url, token=login(stack.url, username, PASSWORD)) for _ in range(CLIENTS)]

    def one_round(n):
        client = clients[n % CLIENTS]
        account = ok(client.post("/accounts", json={"name": f"Scierie {n}", "list_ids": [shared]}), 201)
        answers = {"opportunity": client.post("/opportunities", json={
            "title": f"Plancher {n}", "account_id": account["id"], "stage_id": stage})}
        contact = ok(client.post("/contacts", json={"first_name": "Lise", "last_name": f"Roy {n}",
                                                    "list_ids": [shared], "account_id": account["id"]}), 201)
        answers["task"] = client.post("/tasks", json={"type": "call", "title": "Rappeler", "contact_id": contact["id"],
                                                      "account_id": account["id"]})
        answers["named"] = client.post("/opportunities", json={"title": f"Escalier {n}", "account_id": account["id"],
                                                               "contact_id": contact["id"], "stage_id": stage})
        return account["id"], contact["id"], {kind: (r.status_code, r.text) for kind, r in answers.items()}

    admin = org["admin"]
    with hold() as held:
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            rounds = list(pool.map(one_round, range(ROUNDS)))
        refused = [(kind, answer) for _, _, answers in rounds for kind, answer in answers.items() if answer[0] != 201]
        assert refused == []
        account_ids, contact_ids = [r[0] for r in rounds], [r[1] for r in rounds]
        # no event reached the read model: each creation waits in a parking queue; the refs are the read-through's
        assert held.waiting() >= 2 * ROUNDS
        assert _refs(engine, "account_refs", account_ids) == set(account_ids)
        assert _refs(engine, "contact_refs", contact_ids) == set(contact_ids)
        # and what was created reads back at once through the read model
        assert ok(admin.get(f"/opportunities?account_id={account_ids[0]}"))["total"] == 2
        assert ok(admin.get(f"/tasks?contact_id={contact_ids[-1]}"))["total"] == 1
        released = held.release()
    handled(engine, "opportunities", [e["event_id"] for e in released], timeout=60)
    assert ok(admin.get(f"/opportunities?account_id={account_ids[0]}"))["total"] == 2
    assert ok(admin.get(f"/tasks?contact_id={contact_ids[-1]}"))["total"] == 1


def test_a_read_through_lets_nobody_link_what_they_may_not_see(stack, org, engine, hold):
    """C-2, S-4: a member who is not rep of the admin's account, and another organization, get 404 from the source
    as they would from the read model; made rep of a contact a moment ago, the member may link it."""
    admin, shared = org["admin"], org["shared"]
    member = add_member(org, modules={m: {"read": True, "write": True, "delete": True, "export": False}
                                      for m in ("contacts", "accounts", "opportunities", "tasks")})
    client = member["client"]
    stage = stage_id(admin)
    with hold() as held:
        account = ok(admin.post("/accounts", json={"name": "Gagnon inc.", "list_ids": [shared]}), 201)
        contact = ok(admin.post("/contacts", json={"first_name": "Jeanne", "list_ids": [shared],
                                                   "account_id": account["id"]}), 201)
        assert_problem(client.post("/opportunities", json={"title": "X", "account_id": account["id"],
                                                           "stage_id": stage}), 404)
        assert_problem(client.post("/tasks", json={"type": "todo", "title": "X", "contact_id": contact["id"]}), 404)
        other, _ = sign_up(stack.url, client_class=ApiClient)
        assert_problem(other.post("/tasks", json={"type": "todo", "title": "X", "account_id": account["id"]}), 404)
        assert _refs(engine, "account_refs", [account["id"]]) == set()   # nothing written for a refusal

        ok(admin.patch(f"/contacts/{contact['id']}", json={"rep1_id": member["user"]["id"]}))
        ok(client.post("/tasks", json={"type": "todo", "title": "Écrire", "contact_id": contact["id"]}), 201)
        assert held.waiting() >= 3


def test_a_stale_contact_is_confirmed_before_it_is_refused(org, engine, hold):
    """C-7: a contact moved to another account a moment ago is that account's contact (today's read model still
    names the old one: 422 "not one of the account's contacts")."""
    admin, shared = org["admin"], org["shared"]
    _, contact = _in_read_model(engine, admin, org)
    new = ok(admin.post("/accounts", json={"name": "Nouvelle inc.", "list_ids": [shared]}), 201)
    _wait_for_refs(engine, new["id"])
    with hold() as held:
        ok(admin.post(f"/contacts/{contact['id']}/move", json={"account_id": new["id"]}))
        body = {"title": "Suite", "account_id": new["id"], "contact_id": contact["id"], "stage_id": stage_id(admin)}
        ok(admin.post("/opportunities", json=body), 201)
        ok(admin.post("/tasks", json={"type": "call", "title": "Suite", "contact_id": contact["id"],
                                      "account_id": new["id"]}), 201)
        assert held.waiting() >= 1


def test_records_in_the_trash_are_refused_before_the_read_model_knows(org, engine, hold):
    """C-10: a task or an opportunity on a contact or an account deleted a moment ago is refused (404), though
    the read model has not heard of the delete yet; so is a task on an opportunity of that account."""
    admin = org["admin"]
    account, contact = _in_read_model(engine, admin, org)
    opportunity = ok(admin.post("/opportunities", json={"title": "Toiture", "account_id": account["id"],
                                                        "stage_id": stage_id(admin)}), 201)
    with hold() as held:
        ok(admin.delete(f"/contacts/{contact['id']}"), 204)
        assert_problem(admin.post("/tasks", json={"type": "call", "title": "X", "contact_id": contact["id"]}), 404)
        ok(admin.delete(f"/accounts/{account['id']}"), 204)
        assert_problem(admin.post("/opportunities", json={"title": "X", "account_id": account["id"],
                                                          "stage_id": stage_id(admin)}), 404)
        assert_problem(admin.post("/tasks", json={"type": "call", "title": "X", "account_id": account["id"]}), 404)
        assert_problem(admin.post("/tasks", json={"type": "call", "title": "X",
                                                  "opportunity_id": opportunity["id"]}), 404)
        assert held.waiting() >= 2
        released = held.release()
    handled(engine, "opportunities", [e["event_id"] for e in released])
    with engine.connect() as conn:   # none was stored, hidden or not
        assert conn.execute(sa.text(
            "SELECT count(*) FROM opportunities.tasks WHERE contact_id = :c OR account_id = :a OR opportunity_id = :o"
        ), {"c": contact["id"], "a": account["id"], "o": opportunity["id"]}).scalar() == 0

