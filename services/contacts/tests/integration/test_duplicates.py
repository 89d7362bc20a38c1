"""Duplicates (C-20) against the running service: the check before a create (``check_duplicates``, the use case the
imports area calls too), the background scan and its review queue, dismissing a pair; what another user of the
organization (C-2, L-2, L-3, S-4) and another organization never see."""
import pytest
import sqlalchemy as sa
from contacts_helpers import expect, make_actor
from sqlalchemy.orm import Session

from carnet_common.errors import InvalidInput, NotFound
from carnet_contacts.duplicates import usecases
from carnet_contacts.duplicates.tables import duplicate_pairs
from carnet_contacts.models import contacts
from carnet_testing import eventually


@pytest.fixture
def world(rpc):
    """An organization with an admin, a list shared with everyone, a closed list and a limited user (their own
    records only) who selected the shared list."""
    admin = make_actor(is_admin=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})["id"]
    closed = rpc.create_list(admin, {"name": "Closed"})["id"]
    user = make_actor(admin["org_id"])
    rpc.set_selected_lists(user, {"list_ids": [shared]})
    return {"admin": admin, "user": user, "shared": shared, "closed": closed}


def contact(rpc, world, list_id, **values):
    return rpc.create_contact(world["admin"], {"list_ids": [world[list_id]], **values})


def ids(matches):
    return [m["id"] for m in matches["items"]]


def test_the_check_finds_typos_accents_swapped_names_and_extensions(rpc, world):
    marie = contact(rpc, world, "shared", first_name="Marie", last_name="Côté", email="Marie.Cote@acme.ca",
                    phone="514-222-3333", city="Montréal")
    found = rpc.check_duplicates(world["admin"], "contact", {"first_name": "cote", "last_name": "MARIE",
                                                             "phone": "(514) 222-3333 poste 12", "city": "montreal"})
    assert ids(found) == [marie["id"]]
    assert found["items"][0]["reasons"] == ["same_name", "same_phone", "same_city"]
    assert found["items"][0]["record"]["first_name"] == "Marie"
    typo = rpc.check_duplicates(world["admin"], "contact", {"first_name": "Marie", "last_name": "Cotté",
                                                            "email": " marie.cote@ACME.ca"})
    assert ids(typo) == [marie["id"]] and typo["items"][0]["score"] >= 80
    # a colleague with the switchboard number and the company's domain is not a duplicate
    assert ids(rpc.check_duplicates(world["admin"], "contact", {
        "first_name": "Jean", "last_name": "Tremblay", "email": "jean@acme.ca", "phone": "514-222-3333 x201",
        "city": "Montréal"})) == []


def test_the_check_never_shows_a_record_the_caller_cannot_get(rpc, world):
    candidate = {"first_name": "Luc", "last_name": "Roy", "email": "luc.roy@roy.ca"}
    theirs = contact(rpc, world, "shared", **candidate)             # rep 1 is the admin: the user may not see it
    closed = contact(rpc, world, "closed", **candidate, rep1_id=world["user"]["user_id"])  # not in their lists
    assert sorted(ids(rpc.check_duplicates(world["admin"], "contact", candidate))) == sorted([theirs["id"],
                                                                                            closed["id"]])
    assert ids(rpc.check_duplicates(world["user"], "contact", candidate)) == []
    assert ids(rpc.check_duplicates(make_actor(is_admin=True), "contact", candidate)) == []
    mine = contact(rpc, world, "shared", **candidate, rep1_id=world["user"]["user_id"])
    assert ids(rpc.check_duplicates(world["user"], "contact", candidate)) == [mine["id"]]


def test_a_key_shared_by_too_many_records_is_ignored(rpc, world, engine):
    for n, name in enumerate(("Alice", "Bruno", "Chloé")):
        contact(rpc, world, "shared", first_name=name, email=f"p{n}@big.ca", phone="418-555-0000")
    settings = usecases.Settings({"DUPLICATES_MAX_KEY_RECORDS": 2})
    candidate = {"first_name": "Alice", "phone": "418-555-0000"}
    with Session(engine) as session:
        wide = usecases.probable_duplicates(session, org_id=world["admin"]["org_id"], record_type="contact",
                                            candidates=[candidate])
        narrow = usecases.probable_duplicates(session, org_id=world["admin"]["org_id"], record_type="contact",
                                              candidates=[candidate], settings=settings)
    assert len(wide[0]) == 1 and wide[0][0]["reasons"] == ["same_name", "same_phone"]
    assert narrow == [[]]


def test_bad_candidates_and_record_types_are_refused(rpc, world):
    with expect(InvalidInput) as info:
        rpc.check_duplicates(world["admin"], "contact", {"name": "Acme"})
    assert "name" in info.value.errors
    with expect(InvalidInput):
        rpc.check_duplicates(world["admin"], "opportunity", {})


def scanned(rpc, actor, record_type="contact"):
    rpc.request_duplicate_scan(actor, record_type)
    return eventually(lambda: rpc.get_duplicate_scan(actor, record_type), lambda s: s["status"] == "done",
                      what="the full scan")


def test_the_scan_fills_the_queue_and_keeps_it_up_to_date(rpc, world):
    admin = world["admin"]
    a = contact(rpc, world, "shared", first_name="Émile", last_name="Dupré", email="emile@dupre.ca")
    b = contact(rpc, world, "shared", first_name="Emile", last_name="Dupre", email="EMILE@dupre.ca")
    contact(rpc, world, "shared", first_name="Nadia", last_name="Lavoie", email="nadia@lavoie.ca")
    state = scanned(rpc, admin)
    assert state["result"]["records"] == 3 and state["result"]["pairs"] == 1
    queue = rpc.list_duplicates(admin, "contact", {})
    assert queue["total"] == 1
    item = queue["items"][0]
    assert {item["a"]["id"], item["b"]["id"]} == {a["id"], b["id"]} and item["score"] == 100
    # a record created afterwards joins the queue through the incremental check
    c = contact(rpc, world, "shared", first_name="Nadia", last_name="Lavoi", email="nadia@lavoie.ca")
    eventually(lambda: rpc.list_duplicates(admin, "contact", {})["total"], lambda total: total == 2,
               what="the new pair")
    page = rpc.list_duplicates(admin, "contact", {"record_id": c["id"]})
    assert [c["id"] in (i["a"]["id"], i["b"]["id"]) for i in page["items"]] == [True]
    # dismissed, in either order: it leaves the queue, stays dismissed after another scan, and is a 404 again
    rpc.dismiss_duplicate(admin, "contact", {"a_id": b["id"], "b_id": a["id"]})
    with expect(NotFound):
        rpc.dismiss_duplicate(admin, "contact", {"a_id": a["id"], "b_id": b["id"]})
    assert scanned(rpc, admin)["result"]["pairs"] == 2
    assert [i["score"] for i in rpc.list_duplicates(admin, "contact", {})["items"]] == [
        i["score"] for i in page["items"]]
    # a trashed record's pairs are not shown
    rpc.trash_contact(admin, c["id"], {})
    assert rpc.list_duplicates(admin, "contact", {})["total"] == 0


def test_the_queue_and_a_dismiss_never_reach_a_pair_the_caller_cannot_see(rpc, world):
    admin, user = world["admin"], world["user"]
    mine = {"rep1_id": user["user_id"]}
    a = contact(rpc, world, "shared", last_name="Bouchard", email="g@bouchard.ca", **mine)
    b = contact(rpc, world, "shared", last_name="Bouchar", email="g@bouchard.ca")   # the admin's: hidden from user
    c = contact(rpc, world, "shared", first_name="Zoé", last_name="Fortin", phone="819 555 1212", **mine)
    d = contact(rpc, world, "shared", first_name="Zoe", last_name="Fortin", phone="819-555-1212 x3", **mine)
    scanned(rpc, admin)
    assert rpc.list_duplicates(admin, "contact", {})["total"] == 2
    seen = rpc.list_duplicates(user, "contact", {})
    assert seen["total"] == 1 and {seen["items"][0]["a"]["id"], seen["items"][0]["b"]["id"]} == {c["id"], d["id"]}
    with expect(NotFound):
        rpc.dismiss_duplicate(user, "contact", {"a_id": a["id"], "b_id": b["id"]})
    stranger = make_actor(is_admin=True)
    assert rpc.list_duplicates(stranger, "contact", {})["total"] == 0
    with expect(NotFound):
        rpc.dismiss_duplicate(stranger, "contact", {"a_id": c["id"], "b_id": d["id"]})
    assert rpc.list_duplicates(admin, "contact", {})["total"] == 2


def test_accounts_have_their_own_queue(rpc, world):
    admin = world["admin"]
    one = rpc.create_account(admin, {"name": "Acme inc.", "website": "https://www.acme-dup.ca", "city": "Laval",
                                     "list_ids": [world["shared"]]})
    two = rpc.create_account(admin, {"name": "ACME Ltée", "email": "info@acme-dup.ca", "city": "Laval",
                                     "list_ids": [world["shared"]]})
    scanned(rpc, admin, "account")
    queue = rpc.list_duplicates(admin, "account", {})
    assert queue["total"] == 1 and {queue["items"][0]["a"]["id"], queue["items"][0]["b"]["id"]} == {
        one["id"], two["id"]}
    assert rpc.list_duplicates(admin, "contact", {})["total"] == 0


def test_the_incremental_check_walks_records_sharing_one_timestamp(rpc, world, engine):
    """An import writes thousands of records in one transaction, all with one ``updated_at``: the watermark is
    ``(updated_at, id)``, so a batch smaller than them skips none."""
    made = [contact(rpc, world, "shared", first_name=first, last_name="Gagné", phone="450-555-7777")
            for first in ("Léa", "Lea", "Noé")]
    org_id = world["admin"]["org_id"]
    with engine.begin() as conn:
        conn.execute(sa.update(contacts).where(contacts.c.org_id == org_id)
                     .values(updated_at=sa.text("'2026-01-01 00:00+00'::timestamptz")))
    settings = usecases.Settings({"DUPLICATES_INCREMENTAL_BATCH": 1})
    checked, watermark = [], (None, None)
    with Session(engine) as session, session.begin():
        while True:
            count, watermark = usecases.incremental_scan(session, org_id=org_id, record_type="contact",
                                                         since=watermark[0], since_id=watermark[1], settings=settings)
            if not count:
                break
            checked.append(watermark[1])
    assert checked == sorted(c["id"] for c in made)
    with Session(engine) as session:
        pairs = session.execute(sa.select(duplicate_pairs.c.a_id, duplicate_pairs.c.b_id)
                                .where(duplicate_pairs.c.org_id == org_id)).all()
    assert {frozenset(p) for p in pairs} == {frozenset((made[0]["id"], made[1]["id"]))}
