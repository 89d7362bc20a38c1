"""The contracts of lists, contacts, accounts, exports and the lifecycle area: the rules that are more than a
field's declaration (C-4, C-9, C-10, C-14, C-18, L-1)."""
import pytest
from marshmallow import ValidationError

from carnet_contracts import exports, lifecycle, lists, records


def messages(schema, body, **kwargs):
    with pytest.raises(ValidationError) as refused:
        schema.load(body, **kwargs)
    return refused.value.messages


@pytest.mark.parametrize("contract", [records.ContactCreate, records.AccountContactCreate])
def test_a_new_contact_has_a_name_or_an_email(contract):
    body = {"list_ids": ["l1"], "city": "Montréal"}
    assert messages(contract(), body) == {"last_name": ["contact_name_required"]}
    for named in ({"first_name": "Marie"}, {"last_name": "Tremblay"}, {"email": "m@example.com"}):
        assert contract().load({**body, **named})


def test_a_partial_write_needs_no_name():
    assert records.ContactCreate().load({"city": "Laval"}, partial=True) == {"city": "Laval"}


def test_a_record_is_in_one_to_100_lists():
    assert set(messages(records.AccountCreate(), {"name": "Acme", "list_ids": []})) == {"list_ids"}
    assert set(messages(records.ListIdsBody(), {"list_ids": [f"l{i}" for i in range(101)]})) == {"list_ids"}
    assert "list_ids" not in records.AccountContactCreate().load({"last_name": "T"})


@pytest.mark.parametrize("custom", [{"k" * 64: 1}, {str(i): i for i in range(71)}, ["not", "a", "dict"]])
def test_custom_values_are_a_map_of_at_most_70_short_keys(custom):
    """C-14: their types are checked by the service against the organization's fields."""
    body = {"name": "Acme", "list_ids": ["l1"]}
    assert records.AccountCreate().load({**body, "custom": {"secteur": "Bois", "budget": None}})["custom"] == \
        {"secteur": "Bois", "budget": None}
    assert set(messages(records.AccountCreate(), {**body, "custom": custom})) == {"custom"}


def test_a_private_list_is_not_shared_with_every_user():
    for contract in (lists.ListCreate, lists.ListUpdate):
        assert messages(contract(), {"name": "x", "private": True, "access_all_users": True}) == {
            "access_all_users": ["private_list_not_shared"]}
    assert lists.ListUpdate().load({"private": True}) == {"private": True}


def test_an_export_takes_the_search_without_paging():
    query = {"q": "tremblay", "criteria": "{}", "filter_id": "f1", "sort": "-city"}
    assert exports.ExportQuery().load(query) == query
    assert records.RecordQuery().load(query) == {**query, "page": 1, "per_page": 50}
    assert messages(exports.ExportQuery(), {"page": "2"}) == {"page": ["Unknown field."]}


def test_an_export_request_defaults_to_every_readable_nothing_and_english():
    assert exports.ExportRequest().load({"record_type": "contact"}) == {
        "record_type": "contact", "query": {}, "record_fields": [], "account_fields": [], "denied_custom": [],
        "unreadable": [], "language": "en"}
    assert set(messages(exports.ExportRequest(), {"record_type": "opportunity", "language": "de"})) == {
        "record_type", "language"}


@pytest.mark.parametrize("body, field", [
    ({"action": "delete"}, "ids"),
    ({"action": "delete", "ids": ["a"], "q": "x"}, "ids"),
    ({"action": "delete", "ids": ["a"], "criteria": {}}, "ids"),
    ({"action": "copy_to_list", "q": "x"}, "list_id"),
    ({"action": "move_to_list", "q": "x", "list_id": "l"}, "from_list_id"),
    ({"action": "delete", "ids": ["x"] * (lifecycle.BULK_MAX + 1)}, "ids"),
    ({"action": "archive", "ids": ["a"]}, "action"),
    ({"action": "delete", "ids": ["a"], "dependents": "keep"}, "dependents"),
])
def test_a_bulk_action_selects_by_ids_or_by_search_and_names_its_lists(body, field):
    assert field in messages(lifecycle.BulkAction(), body)


@pytest.mark.parametrize("body", [
    {"action": "delete", "ids": ["x"] * lifecycle.BULK_MAX},
    {"action": "delete", "q": "tremblay", "criteria": {"op": "and", "items": []}},
    {"action": "copy_to_list", "criteria": {}, "list_id": "l"},
    {"action": "move_to_list", "ids": ["a"], "list_id": "l", "from_list_id": "m"},
])
def test_a_bulk_action_with_its_selection_and_lists_loads(body):
    assert lifecycle.BulkAction().load(body)["dependents"] == "reattach"


def test_deletes_reattach_dependents_unless_told():
    assert lifecycle.DeleteContactQuery().load({}) == {"delete_account": False, "dependents": "reattach"}
    assert lifecycle.DeleteAccountQuery().load({"dependents": "delete"}) == {"dependents": "delete"}
