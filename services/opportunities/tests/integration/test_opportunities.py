"""Stages (O-3), opportunities and lines (O-1, O-2, O-4, O-5, O-7), visibility, export and the dependents of a
deleted contact or account (C-10), against the service as a process with real PostgreSQL and RabbitMQ. The read
model is fed by published contacts events."""
import base64
import io
from datetime import datetime, timezone

import openpyxl
import pytest
import sqlalchemy as sa
from opp_helpers import make_actor, moments, seed_account, uid

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound
from carnet_testing import eventually


@pytest.fixture()
def org():
    return uid("org")


@pytest.fixture()
def seeded(opp_publish, opp_engine, org):
    account_id, contact_id = seed_account(opp_publish, opp_engine, org, list_ids=["L1"])
    return account_id, contact_id


def _stage(rpc, actor, probability):
    return next(s for s in rpc.list_stages(actor) if s["probability"] == probability)


LINE = {"product_code": "P-1", "description": "Planches", "quantity": "3", "unit_price": "14.66",
        "shipping": "2.00", "discount": "1.00"}


def test_default_stages_are_created_once_with_fixed_probabilities_and_colours(opp_rpc, org):
    admin = make_actor(org, is_admin=True, language="fr")
    stages = opp_rpc.list_stages(admin)
    assert [s["probability"] for s in stages] == [0, 10, 25, 40, 60, 80, 90, 100]
    assert stages[0]["label"] == "Perdue" and stages[3]["label_en"] == "Quote sent"
    assert all(s["color"].startswith("#") for s in stages)
    assert [s["id"] for s in opp_rpc.list_stages(admin)] == [s["id"] for s in stages]
    assert opp_rpc.list_stages(make_actor(uid("org"), is_admin=True))[0]["id"] != stages[0]["id"]


def test_stage_labels_change_never_probability_or_colour(opp_rpc, org):
    admin = make_actor(org, is_admin=True)
    stage = _stage(opp_rpc, admin, 40)
    renamed = opp_rpc.rename_stage(admin, stage["id"], {"label_en": "Quoted", "label_fr": "Soumis"})
    assert (renamed["label"], renamed["label_fr"], renamed["probability"]) == ("Quoted", "Soumis", 40)
    for body in ({"probability": 50}, {"color": "#000000"}, {"label_en": "x", "probability": 40}):
        with pytest.raises(InvalidInput):
            opp_rpc.rename_stage(admin, stage["id"], body)
    assert _stage(opp_rpc, admin, 40)["color"] == stage["color"]
    with pytest.raises(Forbidden):
        opp_rpc.rename_stage(make_actor(org), stage["id"], {"label_en": "Mine"})
    with pytest.raises(NotFound):  # another organization's stage
        opp_rpc.rename_stage(make_actor(uid("org"), is_admin=True), stage["id"], {"label_en": "Theirs"})


def test_substages_and_locked_ones_refuse_renames(opp_rpc, org):
    admin = make_actor(org, is_admin=True)
    stage = _stage(opp_rpc, admin, 90)
    free = opp_rpc.add_substage(admin, stage["id"], {"label_fr": "Partielle", "label_en": "Partial"})
    locked = opp_rpc.add_substage(admin, stage["id"], {"label_fr": "Commande ouverte", "label_en": "Open order",
                                                        "locked": True})
    assert opp_rpc.rename_substage(admin, free["id"], {"label_en": "Part"})["label"] == "Part"
    with pytest.raises(Conflict) as info:
        opp_rpc.rename_substage(admin, locked["id"], {"label_en": "Other"})
    assert info.value.code == "substage_locked"
    assert [s["label_en"] for s in _stage(opp_rpc, admin, 90)["substages"]] == ["Part", "Open order"]


def test_create_with_lines_computes_decimal_totals(opp_rpc, org, seeded):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, user, 40)
    created = opp_rpc.create_opportunity(user, {
        "title": "Plancher", "account_id": account_id, "contact_id": contact_id, "stage_id": stage["id"],
        "close_date": "2025-06-30",
        "lines": [LINE, {"quantity": "0.5", "unit_price": "0.10"}, {"quantity": "1", "unit_price": "0.20"}]})
    assert [line["total"] for line in created["lines"]] == ["44.98", "0.05", "0.20"]
    assert created["total"] == "45.23"  # 0.1 + 0.2 in floats would not be 0.30
    assert (created["probability"], created["source"], created["read_only"]) == (40, "crm", False)
    assert created["lines"][0]["quantity"] == "3" and created["rep1_id"] == "u1"
    assert created["account_name"] == "Acme" and created["contact_name"] == "Marie Tremblay"
    again = opp_rpc.get_opportunity(user, created["id"])
    assert again["lines"] == created["lines"]
    updated = opp_rpc.update_opportunity(user, created["id"], {"lines": [{"quantity": "2", "unit_price": "10.01"}],
                                                               "version": 1})
    assert (updated["total"], updated["version"]) == ("20.02", 2)
    with pytest.raises(Conflict):
        opp_rpc.update_opportunity(user, created["id"], {"title": "Stale", "version": 1})
    # an update's fields are each optional, not the fields of the lines it replaces them with
    with pytest.raises(InvalidInput) as info:
        opp_rpc.update_opportunity(user, created["id"], {"lines": [{"unit_price": "10.01"}]})
    assert "lines.0.quantity" in info.value.errors
    assert opp_rpc.get_opportunity(user, created["id"])["total"] == "20.02"


@pytest.mark.parametrize("line, field", [
    ({"quantity": "1", "unit_price": "1.234"}, "lines.0.unit_price"),
    ({"quantity": "-1", "unit_price": "1"}, "lines.0.quantity"),
    ({"quantity": "1", "unit_price": 1.5}, "lines.0.unit_price"),
    ({"quantity": "abc", "unit_price": "1"}, "lines.0.quantity"),
    ({"quantity": "1", "unit_price": "1", "shipping": "-2"}, "lines.0.shipping"),
    ({"quantity": "1", "unit_price": "1", "discount": "5"}, "lines.0.discount"),
])
def test_bad_amounts_are_refused_naming_the_field(opp_rpc, org, seeded, line, field):
    account_id, _ = seeded
    user = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, user, 10)
    with pytest.raises(InvalidInput) as info:
        opp_rpc.create_opportunity(user, {"title": "X", "account_id": account_id, "stage_id": stage["id"],
                                          "lines": [line]})
    assert field in info.value.errors
    assert opp_rpc.search_opportunities(user, {"account_id": account_id})["total"] == 0


def test_links_are_checked(opp_rpc, opp_publish, opp_engine, org, seeded):
    account_id, contact_id = seeded
    other_account, other_contact = seed_account(opp_publish, opp_engine, org, list_ids=["L1"])
    user = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, user, 10)
    foreign_stage = _stage(opp_rpc, make_actor(uid("org")), 10)
    base = {"title": "X", "account_id": account_id, "stage_id": stage["id"]}
    with pytest.raises(InvalidInput) as info:
        opp_rpc.create_opportunity(user, {**base, "contact_id": other_contact})
    assert info.value.errors == {"contact_id": ["contact_not_of_account"]}
    with pytest.raises(InvalidInput) as info:
        opp_rpc.create_opportunity(user, {**base, "stage_id": foreign_stage["id"]})
    assert info.value.errors == {"stage_id": ["unknown_stage"]}
    with pytest.raises(InvalidInput) as info:
        opp_rpc.create_opportunity(user, {**base, "close_date": "30/06/2025"})
    assert "close_date" in info.value.errors
    with pytest.raises(NotFound):
        opp_rpc.create_opportunity(user, {**base, "account_id": "nope"})


def test_visibility_is_the_accounts(opp_rpc, opp_publish, opp_engine, org):
    account_id, _ = seed_account(opp_publish, opp_engine, org, list_ids=["L1"], rep1_id="u1")
    owner = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, owner, 25)
    opportunity = opp_rpc.create_opportunity(owner, {"title": "Secret", "account_id": account_id,
                                                     "stage_id": stage["id"]})
    strangers = [make_actor(org, "u2", list_ids=["L1"]),            # not a rep of the account
                 make_actor(org, "u1", list_ids=["L2"]),            # list not selected
                 make_actor(uid("org"), "u1", list_ids=["L1"], is_admin=True)]  # another organization
    for stranger in strangers:
        with pytest.raises(NotFound):
            opp_rpc.get_opportunity(stranger, opportunity["id"])
        with pytest.raises(NotFound):
            opp_rpc.update_opportunity(stranger, opportunity["id"], {"title": "Mine"})
        with pytest.raises(NotFound):
            opp_rpc.delete_opportunity(stranger, opportunity["id"])
        with pytest.raises(NotFound):
            opp_rpc.create_opportunity(stranger, {"title": "X", "account_id": account_id, "stage_id": stage["id"]})
        assert opp_rpc.search_opportunities(stranger, {})["total"] == 0
    everyone = make_actor(org, "u2", list_ids=["L1"], all_contacts=True)
    assert opp_rpc.get_opportunity(everyone, opportunity["id"])["title"] == "Secret"
    boss = {**make_actor(org, "u3", list_ids=["L1"], hierarchy_contacts=True), "subordinate_ids": ["u1"]}
    assert opp_rpc.search_opportunities(boss, {})["total"] == 1
    # own_records_only (S-4): only those where they are rep 1 or rep 2
    own = make_actor(org, "u2", list_ids=["L1"], all_contacts=True, own_records_only=True)
    assert opp_rpc.search_opportunities(own, {})["total"] == 0
    opp_rpc.update_opportunity(owner, opportunity["id"], {"rep2_id": "u2"})
    assert opp_rpc.search_opportunities(own, {})["total"] == 1


def test_o4_order_and_filters(opp_rpc, org, seeded):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    stages = {s["probability"]: s["id"] for s in opp_rpc.list_stages(user)}
    specs = [("lost-old", 0, "2024-01-01"), ("won-new", 100, "2025-05-01"), ("open-late", 60, "2025-09-01"),
             ("open-early", 10, "2025-02-01"), ("lost-new", 0, "2025-06-01"), ("open-nodate", 25, None)]
    for title, probability, close in specs:
        opp_rpc.create_opportunity(user, {
            "title": title, "account_id": account_id, "stage_id": stages[probability], "close_date": close,
            "contact_id": contact_id if title == "won-new" else None})
    page = opp_rpc.search_opportunities(user, {"account_id": account_id})
    assert [o["title"] for o in page["items"]] == ["open-early", "open-late", "open-nodate", "lost-new", "won-new",
                                                   "lost-old"]
    assert page["total"] == 6
    assert [o["title"] for o in opp_rpc.search_opportunities(user, {"stage": stages[0]})["items"]] == \
        ["lost-new", "lost-old"]
    assert opp_rpc.search_opportunities(user, {"q": "open"})["total"] == 3
    # shown on each contact of the account (O-1)
    assert opp_rpc.search_opportunities(user, {"contact_id": contact_id})["total"] == 6
    second = opp_rpc.search_opportunities(user, {"account_id": account_id, "page": 2, "per_page": 4})
    assert [o["title"] for o in second["items"]] == ["won-new", "lost-old"]


def test_accounting_opportunities_are_read_only(opp_rpc, org, seeded):
    account_id, _ = seeded
    user = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, user, 90)
    imported = opp_rpc.import_opportunity(user, {"title": "CMD-1042", "account_id": account_id,
                                                 "stage_id": stage["id"], "source": "acomba",
                                                 "lines": [{"quantity": "1", "unit_price": "100"}]})
    assert imported["read_only"] is True and imported["source"] == "acomba"
    for call in (lambda: opp_rpc.update_opportunity(user, imported["id"], {"title": "Changed"}),
                 lambda: opp_rpc.delete_opportunity(user, imported["id"])):
        with pytest.raises(Conflict) as info:
            call()
        assert info.value.code == "opportunity_read_only" and info.value.params == {"source": "acomba"}
    assert opp_rpc.get_opportunity(user, imported["id"])["title"] == "CMD-1042"


def test_delete_and_export(opp_rpc, org, seeded):
    account_id, _ = seeded
    user = make_actor(org, list_ids=["L1"], language="fr")
    stage = _stage(opp_rpc, user, 60)
    formula = opp_rpc.create_opportunity(user, {"title": "=HYPERLINK(\"http://x\")", "account_id": account_id,
                                                "stage_id": stage["id"],
                                                "lines": [{"quantity": "2", "unit_price": "21.99"}]})
    gone = opp_rpc.create_opportunity(user, {"title": "Gone", "account_id": account_id, "stage_id": stage["id"]})
    opp_rpc.delete_opportunity(user, gone["id"])
    with pytest.raises(NotFound):
        opp_rpc.get_opportunity(user, gone["id"])
    result = opp_rpc.export_opportunities(user, {"account_id": account_id})
    assert result["rows"] == 1
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["content"])))
    rows = list(workbook.active.iter_rows())
    assert rows[0][1].value == "Titre"
    assert rows[1][1].value == formula["title"] and rows[1][1].data_type == "s"
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    assert str(rows[1][7].value) == "43.98"


# Deletes of contacts and accounts (C-10) ---------------------------------------------------------------------

def test_dependents_of_a_deleted_contact_are_reattached_or_deleted_and_restored(opp_rpc, opp_publish, opp_engine,
                                                                               org, seeded):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, user, 25)
    first = opp_rpc.create_opportunity(user, {"title": "A", "account_id": account_id, "contact_id": contact_id,
                                              "stage_id": stage["id"]})
    preview = opp_rpc.dependents_of(user, "contact", contact_id)
    assert [o["id"] for o in preview["opportunities"]] == [first["id"]] and preview["opportunities_total"] == 1
    # a user who sees none of them is told of none (issue 10 §1: counted only when seen)
    assert opp_rpc.dependents_of(make_actor(org, "u9", list_ids=["L1"]), "contact", contact_id) == \
        {"opportunities": [], "opportunities_total": 0, "tasks": [], "tasks_total": 0}

    # reattach (the default): stays on the account, no longer naming the contact
    at = moments()
    opp_publish("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                    "account_id": account_id, "deleted_at": datetime.now(timezone.utc).isoformat(),
                                    "dependents": "reattach"}, occurred_at=next(at))
    eventually(lambda: opp_rpc.get_opportunity(user, first["id"])["contact_id"] is None)

    # delete: goes with the contact, and comes back with it
    opp_publish("contact_restored", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                     "account_id": account_id}, occurred_at=next(at))
    eventually(lambda: _contact_live(opp_engine, contact_id))
    second = opp_rpc.create_opportunity(user, {"title": "B", "account_id": account_id, "contact_id": contact_id,
                                               "stage_id": stage["id"]})
    third = opp_rpc.create_opportunity(user, {"title": "C", "account_id": account_id, "contact_id": contact_id,
                                              "stage_id": stage["id"]})
    opp_publish("contact_deleted", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                    "account_id": account_id, "deleted_at": datetime.now(timezone.utc).isoformat(),
                                    "dependents": "delete",
                                    "dependent_ids": {"opportunities": [second["id"]], "tasks": []}},
                occurred_at=next(at))
    eventually(lambda: _gone(opp_rpc, user, second["id"]))
    assert opp_rpc.get_opportunity(user, first["id"])["title"] == "A"
    # one the event does not name (the caller could not delete it) is left in place, as with reattach
    assert opp_rpc.get_opportunity(user, third["id"])["contact_id"] is None
    opp_publish("contact_restored", {"org_id": org, "actor_id": "u1", "contact_id": contact_id,
                                     "account_id": account_id}, occurred_at=next(at))
    eventually(lambda: not _gone(opp_rpc, user, second["id"]))
    with opp_engine.connect() as conn:
        kinds = conn.execute(sa.text(
            "SELECT event_type FROM opportunities.outbox WHERE envelope->'data'->>'opportunity_id' = :id "
            "OR envelope->'data'->'opportunity'->>'id' = :id ORDER BY created_at"),
            {"id": second["id"]}).scalars().all()
    assert kinds == ["opportunity_created", "opportunity_deleted", "opportunity_updated"]


def _contact_live(engine, contact_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT deleted_at IS NULL FROM opportunities.contact_refs WHERE id = :id"),
                            {"id": contact_id}).scalar()


def _gone(rpc, actor, opportunity_id):
    try:
        rpc.get_opportunity(actor, opportunity_id)
        return False
    except NotFound:
        return True


def test_an_accounts_opportunities_go_and_come_back_with_it(opp_rpc, opp_publish, org, seeded):
    account_id, contact_id = seeded
    user = make_actor(org, list_ids=["L1"])
    stage = _stage(opp_rpc, user, 25)
    kept = opp_rpc.create_opportunity(user, {"title": "K", "account_id": account_id, "stage_id": stage["id"]})
    at = moments()
    opp_publish("account_deleted", {"org_id": org, "actor_id": "u1", "account_id": account_id,
                                    "contact_ids": [contact_id], "deleted_at": datetime.now(timezone.utc).isoformat(),
                                    "dependents": "delete", "dependent_ids": {"opportunities": [kept["id"]],
                                                                              "tasks": []}}, occurred_at=next(at))
    eventually(lambda: _gone(opp_rpc, user, kept["id"]))
    opp_publish("account_restored", {"org_id": org, "actor_id": "u1", "account_id": account_id,
                                     "contact_ids": [contact_id]}, occurred_at=next(at))
    eventually(lambda: not _gone(opp_rpc, user, kept["id"]))
    assert opp_rpc.search_opportunities(user, {"account_id": account_id})["total"] == 1
