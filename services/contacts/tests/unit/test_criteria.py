"""The criteria compiler of C-12: valid trees compile, each malformed tree names its path, typed comparisons."""
import pytest
from sqlalchemy.dialects import postgresql

from carnet_common.errors import Forbidden, InvalidInput
from carnet_contacts.records.repository import criteria

FIELDS = {"contacts": {"size": {"type": "number", "hidden": False}, "since": {"type": "date", "hidden": False},
                       "secret": {"type": "text", "hidden": True},
                       "tags": {"type": "multi_choice", "hidden": False}},
          "accounts": {"sector": {"type": "text", "hidden": False}}}


def ctx(record_type="contact", unreadable=()):
    return criteria.Context(record_type, "org1", custom=FIELDS, list_ids=frozenset({"l1"}),
                            unreadable=frozenset(unreadable))


def sql(tree, **kwargs):
    predicate = criteria.compile_criteria(tree, ctx(**kwargs))
    return str(predicate.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def errors(tree, **kwargs):
    with pytest.raises(InvalidInput) as info:
        criteria.compile_criteria(tree, ctx(**kwargs))
    return info.value.errors


def test_spec_example_compiles_with_account_city_and_accent_folding():
    text = sql({"op": "and", "items": [
        {"field": "account.city", "cmp": "contains", "value": "Mont"},
        {"op": "or", "items": [{"field": "first_name", "cmp": "empty"},
                               {"field": "title", "cmp": "eq", "value": "Président"}]}]})
    # Columns with a stored folded copy (norms.py) compare against it, so the indexes serve them; a positive
    # account.city comparison reads the account's city copied on the contact (eff_city_norm), no join.
    assert "contacts.contacts.eff_city_norm LIKE '%%mont%%'" in text
    assert "coalesce(contacts.contacts.account_id, '') != ''" in text
    assert "contacts.contacts.title_norm = 'president'" in text and "contacts.accounts" not in text


def test_negative_account_comparisons_still_ask_the_accounts():
    """``ne`` and ``empty`` include contacts without an account: they cannot use the copy on the contact."""
    for leaf in ({"field": "account.city", "cmp": "ne", "value": "Laval"},
                 {"field": "account.street", "cmp": "empty"}):
        text = sql(leaf)
        assert "contacts.contacts.account_id IS NULL OR contacts.contacts.account_id IN" in text
        assert "contacts.accounts" in text and "eff_" not in text


def test_text_without_a_folded_copy_is_folded_in_sql():
    text = sql({"field": "first_name", "cmp": "starts_with", "value": "Émi"})
    assert "contacts.f_unaccent(lower(contacts.contacts.first_name)) LIKE 'emi%%'" in text


def test_custom_number_compares_as_a_guarded_number():
    text = sql({"field": "custom.size", "cmp": "gt", "value": "10"})
    assert "CAST((contacts.contacts.custom ->> 'size') AS NUMERIC)" in text and "> 10" in text


def test_custom_date_and_multi_choice_and_list_membership():
    assert "< '2024-01-31'" in sql({"field": "custom.since", "cmp": "before", "value": "2024-01-31"})
    predicate = criteria.compile_criteria({"field": "custom.tags", "cmp": "contains", "value": "vip"}, ctx())
    assert "@>" in str(predicate.compile(dialect=postgresql.dialect()))
    assert "list_members.list_id = 'l1'" in sql({"field": "list", "cmp": "eq", "value": "l1"})


def test_account_custom_field_from_a_contact():
    assert "contacts.accounts.custom ->> 'sector'" in sql({"field": "account.custom.sector", "cmp": "eq",
                                                          "value": "Bois"})


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
    assert "> 1E+30" in sql({"field": "custom.size", "cmp": "gt", "value": "1e30"})
