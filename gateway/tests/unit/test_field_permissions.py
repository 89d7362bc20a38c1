"""The S-3 rule, one module (``carnet_contracts.permissions``): module actions, field read/write, custom values, the
403 naming an unwritable field, the custom columns an export leaves out. Pure logic, fake principals."""
import pytest
from conftest import principal

from carnet_common.errors import Forbidden
from carnet_contracts import permissions

# may / may_field ---------------------------------------------------------------------------------------------


def test_a_module_action_is_allowed_only_when_set_true():
    user = principal(modules={"contacts": {"read", "write"}})
    assert permissions.may(user, "contacts", "read") and permissions.may(user, "contacts", "write")
    assert not permissions.may(user, "contacts", "delete")
    assert not permissions.may(user, "accounts", "read")
    assert not permissions.may(user, "no_such_module", "read")


def test_a_field_without_an_entry_follows_its_module():
    user = principal(modules={"contacts": {"read", "write"}, "accounts": {"read"}})
    assert permissions.may_field(user, "contacts", "title", "read")
    assert permissions.may_field(user, "contacts", "title", "write")
    assert permissions.may_field(user, "accounts", "name", "read")
    assert not permissions.may_field(user, "accounts", "name", "write")
    assert not permissions.may_field(user, "opportunities", "title", "read")


def test_a_field_entry_narrows_its_module():
    user = principal(modules={"contacts": {"read", "write"}},
                     fields={"contacts.email": {"read": False, "write": False},
                             "contacts.title": {"read": True, "write": False},
                             "contacts.custom.budget": {"read": True, "write": True}})
    assert not permissions.may_field(user, "contacts", "email", "read")
    assert not permissions.may_field(user, "contacts", "email", "write")
    assert permissions.may_field(user, "contacts", "title", "read")
    assert not permissions.may_field(user, "contacts", "title", "write")
    assert permissions.may_field(user, "contacts", "custom.budget", "write")


def test_a_field_entry_never_widens_its_module():
    user = principal(modules={"contacts": {"read"}},
                     fields={"contacts.title": {"read": True, "write": True},
                             "accounts.name": {"read": True, "write": True}})
    assert not permissions.may_field(user, "contacts", "title", "write")
    assert not permissions.may_field(user, "accounts", "name", "read")


def test_an_entry_missing_an_action_denies_it():
    user = principal(modules={"contacts": {"read", "write"}}, fields={"contacts.title": {"read": True}})
    assert permissions.may_field(user, "contacts", "title", "read")
    assert not permissions.may_field(user, "contacts", "title", "write")


def test_may_read_is_the_read_of_may_field():
    user = principal(modules={"opportunities": {"read"}}, fields={"opportunities.total": {"read": False}})
    assert permissions.may_read(user, "opportunities", "title")
    assert not permissions.may_read(user, "opportunities", "total")
    assert not permissions.may_read(user, "tasks", "title")


def test_a_principal_without_permissions_is_granted_nothing():
    assert not permissions.may({}, "contacts", "read")
    assert not permissions.may_field({"permissions": {}}, "contacts", "title", "read")


# custom values, unwritable fields, export columns ---------------------------------------------------------------

def test_custom_values_keep_only_the_readable_keys():
    user = principal(modules={"opportunities": {"read"}}, fields={"opportunities.custom.margin": {"read": False}})
    assert permissions.readable_custom(user, "opportunities", {"margin": 3, "region": "QC"}) == {"region": "QC"}
    assert permissions.readable_custom(user, "opportunities", None) == {}


def test_writing_an_unwritable_field_is_a_403_naming_it():
    user = principal(modules={"tasks": {"read", "write"}}, fields={"tasks.description": {"read": True, "write": False}})
    permissions.refuse_unwritable(user, "tasks", ["title", "status"])
    with pytest.raises(Forbidden) as caught:
        permissions.refuse_unwritable(user, "tasks", ["title", "description"])
    assert caught.value.code == "field_not_writable"
    assert caught.value.errors == {"description": ["field_not_writable"]}
    assert caught.value.params == {"field": "description"}


def test_denied_custom_names_the_custom_keys_of_the_module_only():
    user = principal(modules={"opportunities": {"read"}, "contacts": {"read"}},
                     fields={"opportunities.custom.b": {"read": False}, "opportunities.custom.a": {"read": False},
                             "opportunities.custom.c": {"read": True}, "contacts.custom.x": {"read": False},
                             "opportunities.total": {"read": False}})
    assert permissions.denied_custom(user, "opportunities") == ["a", "b"]


# values tied to other fields ------------------------------------------------------------------------------------

def test_a_value_tied_to_a_hidden_field_is_hidden_too():
    user = principal(modules={"opportunities": {"read", "write"}, "contacts": {"read"}, "accounts": {"read"}},
                     fields={"opportunities.total": {"read": False}, "opportunities.stage_id": {"read": False},
                             "contacts.email": {"read": False}})
    assert not permissions.may_read(user, "opportunities", "lines"), "the lines add up to the total"
    assert not permissions.may_read(user, "opportunities", "probability"), "a stage's probability names the stage"
    assert not permissions.may_read(user, "opportunities", "substage_id")
    assert not permissions.may_read(user, "opportunities", "contact_name"), "a contact's name may be its email"
    assert permissions.may_read(user, "opportunities", "account_name")
    assert permissions.may_read(user, "opportunities", "title")


def test_a_name_from_another_module_follows_that_module():
    user = principal(modules={"opportunities": {"read"}, "contacts": {"read"}})
    assert not permissions.may_read(user, "opportunities", "account_name"), "accounts are not readable"
    assert permissions.may_read(user, "opportunities", "contact_name")


def test_writing_a_value_that_changes_an_unwritable_one_is_refused():
    user = principal(modules={"opportunities": {"read", "write"}},
                     fields={"opportunities.total": {"read": True, "write": False}})
    assert permissions.may_field(user, "opportunities", "lines", "read")
    with pytest.raises(Forbidden) as caught:
        permissions.refuse_unwritable(user, "opportunities", ["title", "lines"])
    assert caught.value.params == {"field": "lines"}


# readable, readable_names, refuse_unreadable ---------------------------------------------------------------------

TASK_FIELDS = ("id", "title", "description", "status", "custom", "version")


def test_readable_keeps_the_allowed_fields_of_the_schema_only():
    user = principal(modules={"tasks": {"read"}}, fields={"tasks.description": {"read": False},
                                                          "tasks.version": {"read": False},
                                                          "tasks.custom.x": {"read": False}})
    task = {"id": "t1", "title": "Appeler", "description": "secret", "status": "todo", "version": 3,
            "internal": "never shown", "custom": {"x": 1, "y": 2}}
    assert permissions.readable(user, "tasks", task, TASK_FIELDS, always=("id", "version")) == {
        "id": "t1", "title": "Appeler", "status": "todo", "version": 3, "custom": {"y": 2}}


def test_readable_names_keeps_their_order():
    user = principal(modules={"opportunities": {"read"}}, fields={"opportunities.total": {"read": False}})
    assert permissions.readable_names(user, "opportunities", ["title", "total", "lines", "close_date"]) == \
        ["title", "close_date"]


def test_a_filter_over_an_unreadable_field_is_a_403_naming_the_field_and_the_parameter():
    user = principal(modules={"tasks": {"read"}}, fields={"tasks.due_at": {"read": False}})
    permissions.refuse_unreadable(user, "tasks", {"status": ("status",)})
    with pytest.raises(Forbidden) as caught:
        permissions.refuse_unreadable(user, "tasks", {"status": ("status",), "due_before": ("due_at",)})
    assert caught.value.code == "field_not_readable"
    assert caught.value.errors == {"due_before": ["field_not_readable"]}
    assert caught.value.params == {"field": "due_at"}


# The keys contacts' criteria and sorts may not use -------------------------------------------------------------


def test_a_key_tied_to_an_unreadable_one_is_unreadable_for_the_criteria_too():
    """Hiding ``opportunities.lines`` hides the total they make: contacts' action criterion on an opportunity's total
    must be refused as well (READ_TIES), or the total could be rebuilt by filtering."""
    from carnet_gateway import records

    modules = {m: {"read"} for m in ("contacts", "accounts", "opportunities", "tasks")}
    user = principal(modules=modules, fields={"opportunities.lines": {"read": False, "write": False}})
    keys = records.unreadable_keys(user)
    assert "opportunities.lines" in keys and "opportunities.total" in keys
    assert "opportunities.stage_id" not in keys and "opportunities" not in keys
    everyone = principal(modules=modules)
    assert records.unreadable_keys(everyone) == []
    assert records.unreadable_keys(principal(modules={"contacts": {"read"}}))[-3:] == [
        "accounts", "opportunities", "tasks"]
