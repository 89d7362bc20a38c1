"""The criteria compiler of C-12: valid trees compile, each malformed tree names its path, typed comparisons.

What a tree compiles to is compared as a structure (``ClauseElement.compare``) with the predicate it must be,
built here from the same columns: unlike a substring of the SQL text, that tells AND from OR, a column from its
folded copy and one value from another. Which rows those predicates select is tested against PostgreSQL in
tests/integration (test_criteria_behaviour.py, test_customization.py, test_account_criteria.py).
"""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from carnet_common.errors import Forbidden, InvalidInput
from carnet_contacts.models import account_members, accounts, contacts, list_members
from carnet_contacts.records.repository import criteria, visibility

FIELDS = {"contacts": {"size": {"type": "number", "hidden": False}, "since": {"type": "date", "hidden": False},
                       "secret": {"type": "text", "hidden": True},
                       "tags": {"type": "multi_choice", "hidden": False}},
          "accounts": {"sector": {"type": "text", "hidden": False}}}


ADMIN = {"org_id": "org1", "user_id": "u1", "is_admin": True, "flags": {}, "subordinate_ids": []}


def ctx(record_type="contact", unreadable=(), actor=ADMIN):
    return criteria.Context(record_type, "org1", custom=FIELDS, list_ids=frozenset({"l1"}),
                            unreadable=frozenset(unreadable), actor=actor, selected=frozenset({"l1"}))


def compiled(tree, **kwargs):
    return criteria.compile_criteria(tree, ctx(**kwargs))


def assert_compiles_to(tree, expected, **kwargs):
    predicate = compiled(tree, **kwargs)
    assert predicate.compare(expected), f"{predicate}\n  is not\n{expected}"


def errors(tree, **kwargs):
    with pytest.raises(InvalidInput) as info:
        criteria.compile_criteria(tree, ctx(**kwargs))
    return info.value.errors


def folded(column):
    return sa.func.contacts.f_unaccent(sa.func.lower(column))


def guarded_number(column, key):
    raw = column[key].astext
    return sa.case((raw.regexp_match(criteria.NUMERIC), sa.cast(raw, sa.Numeric)))


def account_ids(*where, actor=ADMIN):
    """The accounts of org1 matching ``where`` that ``actor`` sees (issue 10 §1: only those count)."""
    shown = visibility.record_visible(accounts, account_members.alias(), "account_id", actor=actor,
                                      list_ids=frozenset({"l1"})) if actor else sa.false()
    return sa.select(accounts.c.id).where(accounts.c.org_id == "org1", *where, shown)


def account_seen(actor=ADMIN):
    return visibility.seen(accounts, account_members, "account_id", contacts.c.account_id, actor=actor,
                           list_ids=frozenset({"l1"}))


def test_spec_example_compiles_with_account_city_and_accent_folding():
    # Columns with a stored folded copy (norms.py) compare against it, so the indexes serve them; a positive
    # account.city comparison finds its candidates by the account's city copied on the contact (eff_city_norm),
    # and the accounts of that city the caller sees decide (issue 10 §1).
    assert_compiles_to({"op": "and", "items": [
        {"field": "account.city", "cmp": "contains", "value": "Mont"},
        {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                               {"field": "title", "cmp": "eq", "value": "Président"}]}]},
        sa.and_(
            sa.and_(sa.func.coalesce(contacts.c.account_id, "") != "",
                    contacts.c.eff_city_norm.like("%mont%", escape="\\"),
                    contacts.c.account_id.in_(account_ids(accounts.c.city_norm.like("%mont%", escape="\\")))),
            sa.or_(sa.or_(contacts.c.first_name.is_(None), contacts.c.first_name == ""),
                   contacts.c.title_norm == "president")))


def test_negative_account_comparisons_still_ask_the_accounts():
    """``ne`` and ``empty`` include contacts without an account, and those of an account the caller cannot see
    (issue 10 §1: filtered as if they had none): they cannot use the copy on the contact."""
    assert_compiles_to({"field": "account.city", "cmp": "ne", "value": "Laval"}, sa.or_(
        contacts.c.account_id.is_(None), ~account_seen(),
        contacts.c.account_id.in_(account_ids(sa.func.coalesce(accounts.c.city_norm, "") != "laval"))))
    assert_compiles_to({"field": "account.street", "cmp": "empty"}, sa.or_(
        contacts.c.account_id.is_(None), ~account_seen(),
        contacts.c.account_id.in_(account_ids(sa.or_(accounts.c.street.is_(None), accounts.c.street == "")))))


def test_account_criteria_never_match_through_an_account_nobody_is_known_to_see():
    """Without a caller, no account is seen: positive comparisons select no account at all."""
    assert_compiles_to({"field": "account.custom.sector", "cmp": "eq", "value": "Bois"}, contacts.c.account_id.in_(
        account_ids(folded(accounts.c.custom["sector"].astext) == "bois", actor=None)), actor=None)


def test_text_without_a_folded_copy_is_folded_in_sql():
    assert_compiles_to({"field": "first_name", "cmp": "starts_with", "value": "Émi"},
                       folded(contacts.c.first_name).like("emi%", escape="\\"))


def test_custom_number_compares_as_a_guarded_number():
    assert_compiles_to({"field": "custom.size", "cmp": "gt", "value": "10"},
                       guarded_number(contacts.c.custom, "size") > Decimal(10))


def test_custom_date_and_multi_choice_and_list_membership():
    since = contacts.c.custom["since"].astext
    assert_compiles_to({"field": "custom.since", "cmp": "before", "value": "2024-01-31"},
                       sa.case((since.regexp_match(criteria.ISO_DATE), since)) < "2024-01-31")
    assert_compiles_to({"field": "custom.tags", "cmp": "contains", "value": "vip"},
                       contacts.c.custom.contains({"tags": ["vip"]}))
    assert_compiles_to({"field": "list", "cmp": "eq", "value": "l1"}, sa.exists(sa.select(1).where(
        list_members.c.list_id == "l1", list_members.c.contact_id == contacts.c.id)))


def test_account_custom_field_from_a_contact():
    assert_compiles_to({"field": "account.custom.sector", "cmp": "eq", "value": "Bois"}, contacts.c.account_id.in_(
        account_ids(folded(accounts.c.custom["sector"].astext) == "bois")))


def test_a_compiled_tree_keeps_its_and_and_or():
    """The comparison itself tells the operators apart (what a substring of the SQL text could not)."""
    name, title = {"field": "first_name", "cmp": "empty"}, {"field": "title", "cmp": "eq", "value": "x"}
    as_and, as_or = compiled({"op": "and", "items": [name, title]}), compiled({"op": "or", "items": [name, title]})
    assert not as_and.compare(as_or)
    assert as_or.compare(sa.or_(sa.or_(contacts.c.first_name.is_(None), contacts.c.first_name == ""),
                                contacts.c.title_norm == "x"))


@pytest.mark.parametrize("tree, path", [
    ({"op": "and", "items": [{"field": "first_name", "cmp": "eq", "value": "a"},
                             {"field": "first_name", "cmp": "like", "value": "a"}]}, "criteria.items.1.cmp"),
    ({"op": "xor", "items": [{"field": "first_name", "cmp": "empty"}]}, "criteria.op"),
    ({"op": "and", "items": []}, "criteria.items"),
    ({"field": "nope", "cmp": "eq", "value": "a"}, "criteria.field"),
    ({"field": "custom.secret", "cmp": "eq", "value": "a"}, "criteria.field"),
    ({"field": "custom.size", "cmp": "contains", "value": "1"}, "criteria.cmp"),
    ({"field": "custom.size", "cmp": "gt", "value": "ten"}, "criteria.value"),
    ({"field": "custom.since", "cmp": "after", "value": "2024-13-01"}, "criteria.value"),
    ({"field": "subscribed", "cmp": "eq", "value": "yes"}, "criteria.value"),
    ({"field": "first_name", "cmp": "empty", "value": "x"}, "criteria.value"),
    ({"field": "list", "cmp": "eq", "value": "someone-elses"}, "criteria.value"),
    ({"field": "first_name", "cmp": "eq", "value": "a", "extra": 1}, "criteria.extra"),
    (["not", "an", "object"], "criteria"),
    ({"op": "and", "items": ["x"]}, "criteria.items.0"),
])
def test_malformed_criteria_name_their_path(tree, path):
    assert path in errors(tree)


def test_depth_and_size_are_limited():
    tree = {"field": "first_name", "cmp": "empty"}
    for _ in range(criteria.MAX_DEPTH):
        tree = {"op": "and", "items": [tree]}
    assert any("criteria_too_deep" in v for v in errors(tree).values())
    many = {"op": "or", "items": [{"field": "first_name", "cmp": "empty"}] * (criteria.MAX_LEAVES + 1)}
    assert errors(many) == {f"criteria.items.{criteria.MAX_LEAVES}": ["criteria_too_many"]}


def test_account_fields_exist_only_on_contacts():
    assert "criteria.field" in errors({"field": "account.city", "cmp": "empty"}, record_type="account")


def test_unreadable_field_is_forbidden_not_compiled():
    with pytest.raises(Forbidden) as info:
        criteria.compile_criteria({"field": "custom.size", "cmp": "empty"}, ctx(unreadable={"contacts.custom.size"}))
    assert info.value.params == {"field": "custom.size"}
    with pytest.raises(Forbidden):
        criteria.compile_criteria({"field": "account.city", "cmp": "empty"}, ctx(unreadable={"accounts"}))


def test_sort_keys_end_with_the_id_and_refuse_unknown_fields():
    keys = criteria.sort_keys("-custom.size", ctx())
    assert keys[0][2] is True and keys[-1][0].name == "id"
    with pytest.raises(InvalidInput) as info:
        criteria.sort_keys("nope", ctx())
    assert "sort" in info.value.errors


def test_values_postgresql_cannot_take_are_422_not_a_failed_query():
    """NUL in text and numbers beyond what a numeric compares reached PostgreSQL and came back as a 502."""
    tree = {"op": "and", "items": [{"field": "account.city", "cmp": "contains", "value": "Mont\x00réal"},
                                   {"field": "custom.size", "cmp": "gt", "value": "1e999999"},
                                   {"field": "custom.size", "cmp": "lt", "value": "1e-40"}]}
    assert errors(tree) == {"criteria.items.0.value": ["invalid_characters"],
                            "criteria.items.1.value": ["criteria_number_expected"],
                            "criteria.items.2.value": ["criteria_number_expected"]}
    assert_compiles_to({"field": "custom.size", "cmp": "gt", "value": "1e30"},
                       guarded_number(contacts.c.custom, "size") > Decimal("1e30"))
