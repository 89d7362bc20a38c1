"""Which contacts a criteria tree selects (C-12), through the service and PostgreSQL: rows that must match and rows
that must not, for the trees whose compiled shape tests/unit/test_criteria.py compares (an AND compiled as an OR,
or a folded copy compared instead of the column, would change these sets)."""
import json

import pytest
from contacts_helpers import make_actor


@pytest.fixture
def org(rpc):
    admin = make_actor(is_admin=True, all_contacts=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})["id"]
    return {"admin": admin, "lists": [shared]}


def _ids(rpc, org, tree):
    page = rpc.search_contacts(org["admin"], {"criteria": json.dumps(tree), "per_page": 200})
    return {c["id"] for c in page["items"]}


def _contact(rpc, org, **fields):
    return rpc.create_contact(org["admin"], {"list_ids": org["lists"], **fields})["id"]


def test_the_spec_example_needs_the_account_city_and_one_of_the_name_or_title(rpc, org):
    montreal = rpc.create_account(org["admin"], {"name": "Mtl", "city": "Montréal", "list_ids": org["lists"]})["id"]
    laval = rpc.create_account(org["admin"], {"name": "Lvl", "city": "Laval", "list_ids": org["lists"]})["id"]
    nameless = _contact(rpc, org, last_name="Sans prénom", account_id=montreal)
    president = _contact(rpc, org, first_name="Zoé", title="PRÉSIDENT", account_id=montreal)
    _contact(rpc, org, first_name="Zoé", title="Vice-président", account_id=montreal)   # neither branch of the OR
    _contact(rpc, org, last_name="Sans compte", city="Montréal")                        # its own city: no account
    _contact(rpc, org, last_name="Ailleurs", title="Président", account_id=laval)       # the OR, not the AND
    tree = {"op": "and", "items": [
        {"field": "account.city", "cmp": "contains", "value": "mont"},
        {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                               {"field": "title", "cmp": "eq", "value": "Président"}]}]}
    assert _ids(rpc, org, tree) == {nameless, president}


def test_negative_account_comparisons_include_contacts_without_an_account(rpc, org):
    laval = rpc.create_account(org["admin"], {"name": "Lvl", "city": "Laval", "list_ids": org["lists"]})["id"]
    levis = rpc.create_account(org["admin"], {"name": "Lvs", "city": "Lévis", "street": "1 rue A",
                                              "list_ids": org["lists"]})["id"]
    in_laval = _contact(rpc, org, last_name="Laval", account_id=laval)
    in_levis = _contact(rpc, org, last_name="Lévis", account_id=levis)
    alone = _contact(rpc, org, last_name="Seul", city="Laval", street="2 rue B")
    assert _ids(rpc, org, {"field": "account.city", "cmp": "ne", "value": "LAVAL"}) == {in_levis, alone}
    assert _ids(rpc, org, {"field": "account.street", "cmp": "empty"}) == {in_laval, alone}


def test_text_is_compared_without_accents_or_case_and_starts_with_is_a_prefix(rpc, org):
    emile = _contact(rpc, org, first_name="Émile")
    _contact(rpc, org, first_name="Rémi")
    assert _ids(rpc, org, {"field": "first_name", "cmp": "starts_with", "value": "emi"}) == {emile}


def _custom_fields(rpc, admin):
    for key, kind, extra in (("size", "number", {}), ("since", "date", {}),
                             ("tags", "multi_choice", {"choices": ["vip", "b2b"]})):
        rpc.create_custom_field(admin, "contacts", {"key": key, "type": kind, "label_fr": key, "label_en": key,
                                                    **extra})
    rpc.create_custom_field(admin, "accounts", {"key": "sector", "type": "text", "label_fr": "s", "label_en": "s"})


def test_custom_values_compare_by_their_type(rpc, org):
    admin = org["admin"]
    _custom_fields(rpc, admin)
    wood = rpc.create_account(admin, {"name": "Bois", "list_ids": org["lists"], "custom": {"sector": "Bôis"}})["id"]
    big = _contact(rpc, org, last_name="Grand", account_id=wood, custom={"size": 11, "since": "2023-12-31"})
    _contact(rpc, org, last_name="Petit", custom={"size": 9, "since": "2024-02-01"})
    assert _ids(rpc, org, {"field": "custom.size", "cmp": "gt", "value": "10"}) == {big}   # 11 > 10 > 9: numbers
    assert _ids(rpc, org, {"field": "custom.since", "cmp": "before", "value": "2024-01-31"}) == {big}
    assert _ids(rpc, org, {"field": "account.custom.sector", "cmp": "eq", "value": "bois"}) == {big}


def test_a_multi_choice_value_contains_a_choice(rpc, org):
    _custom_fields(rpc, org["admin"])
    vip = _contact(rpc, org, last_name="Vip", custom={"tags": ["vip", "b2b"]})
    _contact(rpc, org, last_name="B2b", custom={"tags": ["b2b"]})
    assert _ids(rpc, org, {"field": "custom.tags", "cmp": "contains", "value": "vip"}) == {vip}


def test_list_membership(rpc, org):
    other = rpc.create_list(org["admin"], {"name": "Autre", "access_all_users": True})["id"]
    both = rpc.create_contact(org["admin"], {"last_name": "Deux", "list_ids": org["lists"] + [other]})["id"]
    one = _contact(rpc, org, last_name="Une")
    assert _ids(rpc, org, {"field": "list", "cmp": "eq", "value": other}) == {both}
    assert _ids(rpc, org, {"field": "list", "cmp": "ne", "value": other}) == {one}
