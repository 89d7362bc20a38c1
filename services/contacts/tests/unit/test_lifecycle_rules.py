"""Pure parts of the lifecycle area: trash entries, names, relation pairs, bulk contracts (C-5, C-9, C-10)."""
from datetime import datetime, timezone

import pytest
from marshmallow import ValidationError

from carnet_contacts.lifecycle import contracts, usecases


def test_trash_entry_expires_thirty_days_after_delete():
    deleted_at = datetime(2026, 1, 31, 12, 0, tzinfo=timezone.utc)
    entry = usecases.entry_read({"id": "c1", "record_type": "contact", "name": "Émile", "deleted_at": deleted_at,
                              "deleted_by": "u1", "dependants": []})
    assert entry["expires_at"] == "2026-03-02T12:00:00+00:00"


@pytest.mark.parametrize("row, name", [
    ({"id": "c", "first_name": "Émile", "last_name": "Dupré", "email": None}, "Émile Dupré"),
    ({"id": "c", "first_name": None, "last_name": None, "email": "e@x.ca"}, "e@x.ca"),
    ({"id": "c", "first_name": None, "last_name": None, "email": None}, "c"),
])
def test_contact_names_in_the_trash(row, name):
    assert usecases.record_name("contact", row) == name


def test_a_relation_pair_is_the_same_from_both_sides():
    assert usecases._pair("b", "a") == usecases._pair("a", "b") == ("a", "b")


def test_bulk_needs_exactly_one_selection_and_at_most_the_limit():
    schema = contracts.BulkAction()
    assert schema.load({"action": "delete", "q": ""}) == {"action": "delete", "q": "", "dependents": "reattach"}
    with pytest.raises(ValidationError) as info:
        schema.load({"action": "delete", "ids": ["x"] * (contracts.MAX_RECORDS + 1)})
    assert "ids" in info.value.messages
    with pytest.raises(ValidationError) as info:
        schema.load({"action": "delete", "delete_empty_accounts": "yes", "ids": ["x"]})
    assert "delete_empty_accounts" in info.value.messages
