"""Custom fields of opportunities (C-14, O-2), owned by the opportunities service: administration, typed values,
fields tied to a product type, hidden and deleted fields, export and events; against the service as a process
with real PostgreSQL and RabbitMQ (the read model fed by published contacts events)."""
import base64
import io
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from opp_helpers import make_actor, seed_account, uid

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound


@pytest.fixture()
def org():
    return uid("org")


@pytest.fixture()
def admin(org):
    return make_actor(org, is_admin=True, list_ids=["L1"])


@pytest.fixture()
def account_id(opp_publish, opp_engine, org):
    account_id, _ = seed_account(opp_publish, opp_engine, org, list_ids=["L1"], with_contact=False)
    return account_id


@pytest.fixture()
def stage_id(opp_rpc, admin):
    return next(s["id"] for s in opp_rpc.list_stages(admin) if s["probability"] == 40)


def _field(rpc, actor, key, kind="text", **extra):
    return rpc.create_custom_field(actor, "opportunities", {"key": key, "type": kind, "label_fr": f"{key} fr",
                                                            "label_en": f"{key} en", **extra})


def _opportunity(rpc, actor, account_id, stage_id, **extra):
    return rpc.create_opportunity(actor, {"title": "Plancher", "account_id": account_id, "stage_id": stage_id,
                                          **extra})


def _stored_custom(engine, opportunity_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT custom FROM opportunities.opportunities WHERE id = :id"),
                            {"id": opportunity_id}).scalar_one()


def _invalid(call, *args, **kwargs):
    with pytest.raises(InvalidInput) as info:
        call(*args, **kwargs)
    return info.value.errors


BOIS = [{"product_group": "Bois franc", "quantity": "1", "unit_price": "10.00"}]


def test_administrators_define_fields_with_labels_choices_hidden_flag_and_product_type(opp_rpc, org, admin):
    created = _field(opp_rpc, admin, "marche", "single_choice", choices=["Public", "Privé"])
    tied = _field(opp_rpc, admin, "essence", product_type="Bois franc")
    _field(opp_rpc, admin, "interne", hidden=True)
    assert (created["module"], created["label_fr"], created["choices"], created["product_type"]) == \
        ("opportunities", "marche fr", ["Public", "Privé"], None)
    assert tied["product_type"] == "Bois franc" and tied["position"] == created["position"] + 1
    assert [f["key"] for f in opp_rpc.list_custom_fields(admin, "opportunities")] == ["marche", "essence", "interne"]
    assert [f["key"] for f in opp_rpc.list_custom_fields(make_actor(org), "opportunities")] == ["marche", "essence"]
    with pytest.raises(Conflict):
        _field(opp_rpc, admin, "marche")
    with pytest.raises(Forbidden):
        _field(opp_rpc, make_actor(org), "autre")
    updated = opp_rpc.update_custom_field(admin, "opportunities", "essence",
                                          {"label_en": "Species", "product_type": None})
    assert (updated["label_en"], updated["product_type"]) == ("Species", None)
    with pytest.raises(Conflict) as refused:  # a valid body the stored field's type refuses (issue 10 §5)
        opp_rpc.update_custom_field(admin, "opportunities", "essence", {"choices": ["x"]})
    assert refused.value.errors == {"choices": ["custom_field_no_choices"]}
    assert "key" in _invalid(_field, opp_rpc, admin, "Bad Key")
    with pytest.raises(NotFound):  # the opportunities service serves only its own module
        opp_rpc.list_custom_fields(admin, "contacts")
    with pytest.raises(NotFound):  # another organization's field
        opp_rpc.update_custom_field(make_actor(uid("org"), is_admin=True), "opportunities", "marche",
                                    {"label_en": "Theirs"})


def test_the_contacts_service_no_longer_serves_opportunity_fields(opp_contacts_rpc, admin):
    contacts_actor = {key: value for key, value in admin.items() if key not in ("language", "list_ids")}
    assert opp_contacts_rpc.list_custom_fields(contacts_actor, "contacts") == []
    with pytest.raises(NotFound):
        opp_contacts_rpc.list_custom_fields(contacts_actor, "opportunities")


def test_a_module_holds_at_most_70_fields(opp_rpc, admin):
    for i in range(70):
        _field(opp_rpc, admin, f"f{i}")
    with pytest.raises(Conflict) as info:  # the module is full: 409 (issue 10 §5)
        _field(opp_rpc, admin, "one_too_many")
    assert info.value.code == "custom_fields_limit" and str(info.value.params["max"]) == "70"


def test_values_are_typed_merged_and_cleared(opp_rpc, admin, account_id, stage_id):
    _field(opp_rpc, admin, "budget", "decimal")
    _field(opp_rpc, admin, "livraison", "date")
    _field(opp_rpc, admin, "tags", "multi_choice", choices=["a", "b"])
    created = _opportunity(opp_rpc, admin, account_id, stage_id,
                           custom={"budget": "1200.50", "livraison": "2025-07-01", "tags": ["b", "a", "b"]})
    assert created["custom"] == {"budget": "1200.50", "livraison": "2025-07-01", "tags": ["b", "a"]}
    errors = _invalid(_opportunity, opp_rpc, admin, account_id, stage_id,
                      custom={"budget": "douze", "livraison": "01/07/2025", "tags": ["z"], "nope": "x"})
    assert errors == {"custom.budget": ["custom_decimal_expected"], "custom.livraison": ["custom_date_expected"],
                      "custom.tags": ["custom_choice"], "custom.nope": ["unknown_custom_field"]}
    updated = opp_rpc.update_opportunity(admin, created["id"], {"custom": {"budget": None, "tags": ["a"]}})
    assert updated["custom"] == {"livraison": "2025-07-01", "tags": ["a"]}
    assert opp_rpc.update_opportunity(admin, created["id"], {"title": "Autre"})["custom"] == updated["custom"]
    assert opp_rpc.get_opportunity(admin, created["id"])["custom"] == updated["custom"]
    page = opp_rpc.search_opportunities(admin, {"account_id": account_id})
    assert [o["custom"] for o in page["items"]] == [updated["custom"]]


def test_another_organizations_field_key_is_not_usable(opp_rpc, admin, account_id, stage_id):
    _field(opp_rpc, make_actor(uid("org"), is_admin=True), "leur_champ")
    errors = _invalid(_opportunity, opp_rpc, admin, account_id, stage_id, custom={"leur_champ": "x"})
    assert errors == {"custom.leur_champ": ["unknown_custom_field"]}


def test_a_field_tied_to_a_product_type_needs_a_line_of_it_and_shows_only_with_one(opp_rpc, opp_engine, admin,
                                                                                  account_id, stage_id):
    _field(opp_rpc, admin, "essence", product_type="Bois franc")
    _field(opp_rpc, admin, "note")
    errors = _invalid(_opportunity, opp_rpc, admin, account_id, stage_id,
                      lines=[{"product_group": "Quincaillerie", "quantity": "1", "unit_price": "5.00"}],
                      custom={"essence": "Érable", "note": "ok"})
    assert errors == {"custom.essence": ["custom_field_product_type"]}
    created = _opportunity(opp_rpc, admin, account_id, stage_id, custom={"essence": "Érable", "note": "ok"},
                           lines=[{**BOIS[0], "product_group": "  bois FRANC "}])
    assert created["custom"] == {"essence": "Érable", "note": "ok"}
    without = opp_rpc.update_opportunity(admin, created["id"], {"lines": []})
    assert without["custom"] == {"note": "ok"}  # not shown without the line …
    assert _stored_custom(opp_engine, created["id"])["essence"] == "Érable"  # … but kept
    assert "custom.essence" in _invalid(opp_rpc.update_opportunity, admin, created["id"],
                                        {"custom": {"essence": "Chêne"}})
    assert opp_rpc.update_opportunity(admin, created["id"], {"lines": BOIS})["custom"]["essence"] == "Érable"
    changed = opp_rpc.update_opportunity(admin, created["id"], {"lines": BOIS, "custom": {"essence": "Chêne"}})
    assert changed["custom"]["essence"] == "Chêne"
    cleared = opp_rpc.update_opportunity(admin, created["id"], {"lines": [], "custom": {"essence": None}})
    assert "essence" not in _stored_custom(opp_engine, cleared["id"])


def test_hidden_and_deleted_fields_leave_no_visible_value(opp_rpc, opp_engine, admin, account_id, stage_id):
    _field(opp_rpc, admin, "secteur")
    _field(opp_rpc, admin, "ancien")
    created = _opportunity(opp_rpc, admin, account_id, stage_id, custom={"secteur": "Bois", "ancien": "x"})
    opp_rpc.update_custom_field(admin, "opportunities", "secteur", {"hidden": True})
    assert opp_rpc.get_opportunity(admin, created["id"])["custom"] == {"ancien": "x"}
    assert _invalid(opp_rpc.update_opportunity, admin, created["id"], {"custom": {"secteur": "y"}}) == \
        {"custom.secteur": ["unknown_custom_field"]}
    opp_rpc.delete_custom_field(admin, "opportunities", "ancien")
    assert "ancien" not in _stored_custom(opp_engine, created["id"])
    assert [f["key"] for f in opp_rpc.list_custom_fields(admin, "opportunities")] == ["secteur"]
    with pytest.raises(Forbidden):
        opp_rpc.delete_custom_field(make_actor(admin["org_id"]), "opportunities", "secteur")


def test_export_has_a_typed_column_per_readable_field_and_no_formula(opp_rpc, admin, account_id, stage_id):
    _field(opp_rpc, admin, "budget", "decimal")
    _field(opp_rpc, admin, "formule")
    _field(opp_rpc, admin, "essence", product_type="Bois franc")
    _field(opp_rpc, admin, "prive")
    _field(opp_rpc, admin, "cache", hidden=True)
    _opportunity(opp_rpc, admin, account_id, stage_id, custom={"budget": "10.50", "formule": "=1+1",
                                                               "essence": "Érable", "prive": "p"}, lines=BOIS)
    french = {**admin, "language": "fr"}
    result = opp_rpc.export_opportunities(french, {"account_id": account_id}, ["prive"])
    rows = list(openpyxl.load_workbook(io.BytesIO(base64.b64decode(result["content"]))).active.iter_rows())
    headers = [c.value for c in rows[0]]
    assert headers[-3:] == ["budget fr", "formule fr", "essence fr"]
    assert "prive fr" not in headers and "cache fr" not in headers
    budget, formula, essence = rows[1][-3:]
    assert Decimal(str(budget.value)) == Decimal("10.50") and budget.data_type == "n"
    assert formula.value == "=1+1" and formula.data_type == "s"
    assert essence.value == "Érable"
    assert not any(cell.data_type == "f" for row in rows for cell in row)


def test_events_carry_the_values_shown(opp_rpc, opp_engine, admin, account_id, stage_id):
    _field(opp_rpc, admin, "livraison", "date")
    _field(opp_rpc, admin, "essence", product_type="Bois franc")
    created = _opportunity(opp_rpc, admin, account_id, stage_id, custom={"livraison": "2025-07-01"})
    opp_rpc.update_opportunity(admin, created["id"], {"lines": BOIS, "custom": {"essence": "Chêne"}})
    with opp_engine.connect() as conn:
        payloads = conn.execute(sa.text(
            "SELECT event_type, envelope->'data'->'opportunity'->'custom' FROM opportunities.outbox "
            "WHERE envelope->'data'->'opportunity'->>'id' = :id ORDER BY created_at"), {"id": created["id"]}).all()
    assert [tuple(p) for p in payloads] == [
        ("opportunity_created", {"livraison": "2025-07-01"}),
        ("opportunity_updated", {"livraison": "2025-07-01", "essence": "Chêne"})]
