"""What a principal of now no longer grants of an earlier grant (``carnet_contracts.authority``, issue 10 §1 "stale
authority"): the pure rules a job's service applies before the job runs, by the gateway's S-3 rules (an
administrator's principal grants every module action; a field is readable when its module is and its entry, if
any, allows reading), S-4 flags and S-5 users below."""
import pytest

from carnet_contracts import authority

MODULES = ("contacts", "accounts", "opportunities", "tasks")


def principal(*, is_admin=False, modules=None, fields=None, flags=None, subordinate_ids=()):
    """A principal as identity's ``get_principal`` shapes it (the parts these rules read)."""
    if modules is None:
        modules = {m: {"read": True, "write": True, "delete": False, "export": True} for m in MODULES}
    return {"is_admin": is_admin, "permissions": {"modules": modules, "fields": fields or {}},
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **(flags or {})},
            "subordinate_ids": list(subordinate_ids)}


def actor(*, is_admin=False, flags=None, subordinate_ids=()):
    """A request's actor as the gateway builds it (``actors.CONTACTS``)."""
    return {"org_id": "o", "user_id": "u", "is_admin": is_admin, "request_id": None,
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **(flags or {})},
            "subordinate_ids": list(subordinate_ids)}


def test_may_follows_the_role_and_is_false_for_a_module_or_action_not_listed():
    now = principal(modules={"contacts": {"read": True, "export": False}})
    assert authority.may(now, "contacts", "read")
    assert not authority.may(now, "contacts", "export")
    assert not authority.may(now, "accounts", "read")
    assert not authority.may({}, "contacts", "read")      # no permissions at all: nothing granted


def test_a_field_is_readable_when_its_module_is_and_its_entry_does_not_deny_it():
    now = principal(fields={"contacts.email": {"read": False, "write": False},
                            "contacts.phone": {"read": True, "write": False}})
    assert authority.may_read(now, "contacts", "title")           # no entry: readable with the module
    assert authority.may_read(now, "contacts", "phone")
    assert not authority.may_read(now, "contacts", "email")
    no_module = principal(modules={"contacts": {"read": False}})
    assert not authority.may_read(no_module, "contacts", "title")  # the module unreadable: no field is


def test_nothing_is_lost_when_the_principal_grants_what_the_request_had():
    then = actor(is_admin=True, flags={"all_contacts": True}, subordinate_ids=["b"])
    now = principal(is_admin=True, flags={"all_contacts": True}, subordinate_ids=["b", "c"])
    assert authority.visibility_lost(now, then) == []
    assert authority.actions_lost(now, [("contacts", "export"), ("contacts", "read")]) == []
    assert authority.fields_lost(now, "contacts", ["email", "title"]) == []
    assert authority.custom_lost(now, "contacts", []) == []
    assert authority.unreadable_lost(now, []) == []


def test_a_demoted_administrator_loses_administration():
    assert authority.visibility_lost(principal(), actor(is_admin=True)) == ["is_admin"]
    # the other way round is a widening, not a loss
    assert authority.visibility_lost(principal(is_admin=True), actor()) == []


@pytest.mark.parametrize("flag", ["all_contacts", "hierarchy_contacts"])
def test_a_widening_flag_taken_away_is_lost_and_one_given_is_not(flag):
    assert authority.visibility_lost(principal(), actor(flags={flag: True})) == [f"flags.{flag}"]
    assert authority.visibility_lost(principal(flags={flag: True}), actor()) == []


def test_own_records_only_set_since_narrows_and_lifted_since_does_not():
    assert authority.visibility_lost(principal(flags={"own_records_only": True}), actor()) == \
        ["flags.own_records_only"]
    assert authority.visibility_lost(principal(), actor(flags={"own_records_only": True})) == []


def test_a_user_no_longer_below_is_lost_one_added_below_is_not():
    lost = authority.visibility_lost(principal(subordinate_ids=["b", "d"]), actor(subordinate_ids=["b", "c"]))
    assert lost == ["subordinate_ids.c"]


def test_every_loss_is_named_together():
    then = actor(is_admin=True, flags={"all_contacts": True, "hierarchy_contacts": True}, subordinate_ids=["x"])
    now = principal(flags={"own_records_only": True})
    assert authority.visibility_lost(now, then) == ["is_admin", "flags.all_contacts", "flags.hierarchy_contacts",
                                                    "flags.own_records_only", "subordinate_ids.x"]


def test_module_actions_no_longer_granted_are_named():
    now = principal(modules={"contacts": {"read": True, "export": False}, "accounts": {"read": False}})
    assert authority.actions_lost(now, [("contacts", "export"), ("contacts", "read"), ("accounts", "read")]) == \
        ["contacts.export", "accounts.read"]
    # an administrator's principal grants every action (identity gives it every permission)
    assert authority.actions_lost(principal(is_admin=True), [("contacts", "export")]) == []


def test_fields_the_request_could_read_and_the_principal_now_hides_are_lost():
    now = principal(fields={"contacts.email": {"read": False, "write": False}})
    assert authority.fields_lost(now, "contacts", ["first_name", "email", "phone"]) == ["contacts.email"]
    # a field the request could not read is not among ``names``: hiding it again loses nothing
    assert authority.fields_lost(now, "contacts", ["first_name"]) == []
    # the module made unreadable: every field asked for is lost
    assert authority.fields_lost(principal(modules={}), "accounts", ["name", "city"]) == \
        ["accounts.name", "accounts.city"]


def test_custom_fields_denied_since_are_lost_those_denied_then_are_not():
    now = principal(fields={"contacts.custom.budget": {"read": False, "write": False},
                            "contacts.custom.size": {"read": False, "write": False},
                            "contacts.custom.open": {"read": True, "write": True},
                            "accounts.custom.budget": {"read": False, "write": False}})
    assert authority.custom_lost(now, "contacts", ["size"]) == ["contacts.custom.budget"]
    assert authority.custom_lost(now, "contacts", ["size", "budget"]) == []
    assert authority.custom_lost(now, "accounts", []) == ["accounts.custom.budget"]   # per module


def test_unreadable_keys_new_since_the_request_are_lost():
    now = principal(fields={"contacts.title": {"read": False, "write": False},
                            "accounts.custom.size": {"read": False, "write": False}},
                    modules={"contacts": {"read": True}, "accounts": {"read": True}, "opportunities": {"read": True},
                             "tasks": {"read": False}})
    assert authority.unreadable_lost(now, []) == ["contacts.title", "accounts.custom.size", "tasks"]
    # what the request already listed, a key or its whole module, is not lost again
    assert authority.unreadable_lost(now, ["contacts.title", "accounts", "tasks"]) == []
    # a key readable again since is no loss
    assert authority.unreadable_lost(principal(), ["contacts.title", "tasks"]) == []
