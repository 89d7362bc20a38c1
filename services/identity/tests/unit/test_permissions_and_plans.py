"""Role permissions (S-3) and plan limits (S-7): pure rules."""
import pytest

from carnet_identity import permissions, plans
from carnet_identity.permissions import FIELD_ACTIONS, MODULE_ACTIONS, MODULES, SPECIAL


def every_module_action(perms):
    return [perms["modules"][m][a] for m in MODULES for a in MODULE_ACTIONS]


def every_special_action(perms):
    return [perms["special"][name][a] for name, actions in SPECIAL.items() for a in actions]


def test_empty_permissions_allow_nothing_and_list_every_entry():
    perms = permissions.empty_permissions()

    assert set(perms["modules"]) == set(MODULES)
    assert not any(every_module_action(perms))
    assert not any(every_special_action(perms))
    assert perms["fields"] == {}


def test_all_permissions_allow_every_module_action_and_special_entry():
    perms = permissions.all_permissions()

    assert all(every_module_action(perms))
    assert all(every_special_action(perms))


def test_all_and_empty_permissions_are_fresh_documents_each_time():
    first = permissions.empty_permissions()
    first["modules"]["contacts"]["read"] = True
    assert permissions.empty_permissions()["modules"]["contacts"]["read"] is False


def test_normalise_fills_missing_entries_with_false():
    perms = permissions.normalise({"modules": {"contacts": {"read": True}},
                                   "special": {"primary_contact": {"write": True}}})

    assert perms["modules"]["contacts"] == {"read": True, "write": False, "delete": False, "export": False}
    assert perms["modules"]["tasks"] == {action: False for action in MODULE_ACTIONS}
    assert perms["special"]["primary_contact"] == {"read": False, "write": True}
    assert perms["special"]["primary_contact_acomba"] == {"write": False}


def test_normalise_of_nothing_is_empty_permissions():
    assert permissions.normalise({}) == permissions.empty_permissions()
    assert permissions.normalise({"modules": None, "fields": None, "special": None}) == \
        permissions.empty_permissions()


def test_a_hidden_field_cannot_be_written():
    perms = permissions.normalise({"fields": {"contacts.email": {"read": False, "write": True}}})

    assert perms["fields"]["contacts.email"] == {"read": False, "write": False}


def test_a_field_entry_without_an_action_keeps_that_action():
    perms = permissions.normalise({"fields": {"contacts.phone": {"write": False},
                                              "accounts.custom.tier": {}}})

    assert perms["fields"]["contacts.phone"] == {"read": True, "write": False}
    assert perms["fields"]["accounts.custom.tier"] == {action: True for action in FIELD_ACTIONS}


def test_normalise_does_not_change_the_document_it_reads():
    document = {"modules": {"contacts": {"read": True}}, "fields": {"contacts.email": {"read": False}}}
    snapshot = {"modules": {"contacts": {"read": True}}, "fields": {"contacts.email": {"read": False}}}

    permissions.normalise(document)

    assert document == snapshot


def test_normalise_is_idempotent():
    once = permissions.normalise(permissions.default_role_permissions())
    assert permissions.normalise(once) == once


def test_a_new_role_reads_and_writes_records_but_cannot_delete_export_or_manage_settings():
    perms = permissions.default_role_permissions()

    assert perms["modules"]["contacts"] == {"read": True, "write": True, "delete": False, "export": False}
    assert perms["modules"]["settings"] == {action: False for action in MODULE_ACTIONS}
    assert perms["modules"]["dashboard"]["read"] is True


@pytest.mark.parametrize("plan, active, available", [
    ("solo", 0, True), ("solo", 1, False),
    ("collaborator", 2, True), ("collaborator", 3, False),
    ("team", 9, True), ("team", 10, False), ("team", 11, False),
    ("growth", 24, True), ("growth", 25, False),
    ("professional", 99, True), ("professional", 100, False),
    ("integral", 10_000, True),
])
def test_seat_available_while_active_users_are_below_the_plans_seats(plan, active, available):
    assert plans.seat_available(plan, active) is available


def test_only_team_and_above_have_the_emails_module():
    assert [name for name in plans.PLANS if plans.PLANS[name]["emails"]] == \
        ["team", "growth", "professional", "integral"]


def test_storage_per_user_follows_doc_2():
    assert plans.limits("solo")["storage_gb_per_user"] == 1
    assert plans.limits("team")["storage_gb_per_user"] == 5
    assert plans.limits("growth")["storage_gb_per_user"] == 25
    assert plans.limits("team")["plan"] == "team"
