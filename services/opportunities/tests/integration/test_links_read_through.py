"""The contacts and accounts a write names, confirmed at the source (``readmodel/links.py``, issue 10 §3): the read
model of a migrated database (real PostgreSQL), the contacts service replaced by hand-written fakes of the proxy the
service passes in (``ServiceRpc("contacts")``). What the source says wins over the read model and is written into
it (newest version); silence is the read model's answer when it has one, else a 503; and the service as a process,
with contacts stopped mid-flight, answers 503 after its timeout rather than 404."""
import os
import signal

import pytest
from nameko.exceptions import UnknownService
from opp_helpers import make_actor, migrated_database, ref, seed_account, uid
from sqlalchemy.orm import Session

from carnet_common.errors import NotFound, ServiceUnavailable
from carnet_common.rpc import RpcTimeout
from carnet_opportunities.readmodel import links, repository


class Source:
    """What contacts answers (``get_record_refs``): ``{kind: {id: answer}}``, and the calls it got."""

    def __init__(self, **answers):
        self.answers, self.calls = answers, []

    def get_record_refs(self, actor, refs):
        self.calls.append((actor, refs))
        return {kind: [self.answers[kind][i] for i in ids if i in self.answers.get(kind, {})]
                for kind, ids in refs.items()}


class Silent:
    def __init__(self, error):
        self.error = error

    def get_record_refs(self, actor, refs):
        raise self.error


def live(record_id, **fields):
    record = {"id": record_id, "rep1_id": "u1", "rep2_id": None, "version": 2, "list_ids": ["L1"], **fields}
    return {"id": record_id, "state": "live", "record": record}


@pytest.fixture(scope="module")
def engine():
    with migrated_database() as engine:
        yield engine


@pytest.fixture
def session(engine):
    """One transaction per test, rolled back at its end."""
    session = Session(engine)
    session.begin()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def world(session):
    """An account and its contact in the read model (version 1, list L1, rep u1) of a fresh organization."""
    org, account_id, contact_id = uid("org"), uid("acc"), uid("con")
    repository.upsert_record(session, "account", {"id": account_id, "org_id": org, "name": "Acme", "rep1_id": "u1",
                                                  "rep2_id": None}, version=1, list_ids=["L1"], with_lists=True)
    repository.upsert_record(session, "contact", {
        "id": contact_id, "org_id": org, "account_id": account_id, "first_name": "Marie", "last_name": "Roy",
        "email": "marie@acme.test", "rep1_id": "u1", "rep2_id": None}, version=1, list_ids=["L1"], with_lists=True)
    return {"org": org, "account": account_id, "contact": contact_id, "actor": make_actor(org, list_ids=["L1"])}


def test_a_record_the_read_model_has_not_heard_of_is_confirmed_and_written(session, world):
    account_id, contact_id = uid("acc"), uid("con")
    source = Source(account={account_id: live(account_id, name="Neuve", version=1)},
                    contact={contact_id: live(contact_id, account_id=account_id, first_name="Lise", last_name=None,
                                              email="lise@neuve.test", list_ids=["L1", "L9"], version=1)})
    found = links.linked_records(session, contacts=source, actor=world["actor"], account_id=account_id,
                                 contact_id=contact_id)
    assert (found["account"]["name"], found["contact"]["account_id"]) == ("Neuve", account_id)
    # one question for both, in the shape contacts receives (its own lists judge visibility there)
    [(asked_as, refs)] = source.calls
    assert refs == {"account": [account_id], "contact": [contact_id]}
    assert set(asked_as) == {"org_id", "user_id", "is_admin", "flags", "subordinate_ids"}
    # written as the events would have: the read model now answers on its own
    assert repository.visible_account(session, world["actor"], account_id)["name"] == "Neuve"
    written = repository.visible_contact(session, world["actor"], contact_id)
    assert (written["email"], written["list_ids"], written["version"]) == ("lise@neuve.test", ["L1", "L9"], 1)


def test_the_source_wins_over_a_stale_read_model_and_the_newest_version_is_kept(session, world):
    other_account = uid("acc")
    moved = live(world["contact"], account_id=other_account, first_name="Marie", email="m@autre.test", version=3)
    found = links.linked_records(session, contacts=Source(contact={world["contact"]: moved}), actor=world["actor"],
                                 contact_id=world["contact"])
    assert found["contact"]["account_id"] == other_account
    assert repository.visible_contact(session, world["actor"], world["contact"])["version"] == 3
    older = live(world["contact"], account_id=world["account"], email="old@acme.test", version=2)
    links.linked_records(session, contacts=Source(contact={world["contact"]: older}), actor=world["actor"],
                         contact_id=world["contact"])
    kept = repository.visible_contact(session, world["actor"], world["contact"])
    assert (kept["version"], kept["email"], kept["account_id"]) == (3, "m@autre.test", other_account)


@pytest.mark.parametrize("state", ["deleted", "hidden"])
def test_a_record_the_source_holds_in_the_trash_or_hidden_is_refused_whatever_the_read_model_says(
        session, world, state):
    source = Source(account={world["account"]: {"id": world["account"], "state": state}},
                    contact={world["contact"]: {"id": world["contact"], "state": state}})
    found = links.linked_records(session, contacts=source, actor=world["actor"], account_id=world["account"],
                                 contact_id=world["contact"])
    assert found == {"account": None, "contact": None}
    assert repository.visible_contact(session, world["actor"], world["contact"])["version"] == 1   # nothing written


def test_a_record_the_source_does_not_hold_keeps_the_read_models_answer(session, world):
    unknown = uid("con")
    found = links.linked_records(session, contacts=Source(), actor=world["actor"], account_id=world["account"])
    assert found["account"]["id"] == world["account"]
    assert links.linked_records(session, contacts=Source(), actor=world["actor"], contact_id=unknown) == {
        "contact": None}


@pytest.mark.parametrize("error", [RpcTimeout("contacts.get_record_refs: no reply in 3 s"), UnknownService("contacts")])
def test_without_an_answer_only_what_the_read_model_holds_and_agrees_on_passes(session, world, error):
    silent = Silent(error)
    found = links.linked_records(session, contacts=silent, actor=world["actor"], account_id=world["account"],
                                 contact_id=world["contact"])
    assert (found["account"]["id"], found["contact"]["id"]) == (world["account"], world["contact"])
    with pytest.raises(ServiceUnavailable) as info:   # not in the read model: it may exist at the source
        links.linked_records(session, contacts=silent, actor=world["actor"], contact_id=uid("con"))
    assert (info.value.code, info.value.params) == ("service_unavailable", {"service": "contacts"})
    with pytest.raises(ServiceUnavailable):           # the read model says another account's: it may have moved
        links.linked_records(session, contacts=silent, actor=world["actor"], account_id=uid("acc"),
                             contact_id=world["contact"])


def test_nothing_named_asks_nothing(session, world):
    source = Source()
    assert links.linked_records(session, contacts=source, actor=world["actor"]) == {}
    assert source.calls == []


# The service as a process, its contacts proxy a ServiceRpc with a timeout ------------------------------------

def test_a_write_waits_for_contacts_no_longer_than_its_timeout_then_answers_503(opp_rpc, opp_processes,
                                                                                 opp_publish, opp_engine):
    org = uid("org")
    account_id, contact_id = seed_account(opp_publish, opp_engine, org, list_ids=["L1"])
    actor = {**make_actor(org, list_ids=["L1"]), "timezone": "America/Toronto"}
    contacts = opp_processes.running["contacts"]
    os.kill(contacts.pid, signal.SIGSTOP)
    try:
        with pytest.raises(ServiceUnavailable) as info:
            opp_rpc.create_task(actor, {"type": "call", "title": "x", "contact_id": uid("con")})
        assert info.value.params == {"service": "contacts"}
        # what the read model holds still passes on its word
        task = opp_rpc.create_task(actor, {"type": "call", "title": "x", "contact_id": contact_id,
                                           "account_id": account_id})
    finally:
        os.kill(contacts.pid, signal.SIGCONT)
    assert task["contact_id"] == contact_id
    assert ref(opp_engine, "contact_refs", contact_id)["version"] == 1
    with pytest.raises(NotFound):   # answered again: no such contact
        opp_rpc.create_task(actor, {"type": "call", "title": "x", "contact_id": uid("con")})
