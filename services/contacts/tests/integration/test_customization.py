"""Custom fields, criteria, saved filters, layouts and sort through the service (C-12, C-14, C-15)."""
import json

import pytest
from contacts_helpers import expect, make_actor

from carnet_common.errors import Conflict, Forbidden, InvalidInput, NotFound


@pytest.fixture
def org(rpc):
    admin = make_actor(is_admin=True, all_contacts=True)
    shared = rpc.create_list(admin, {"name": "Shared", "access_all_users": True})
    return {"admin": admin, "list": shared["id"]}


def _field(rpc, admin, key, kind, module="contacts", **extra):
    return rpc.create_custom_field(admin, module, {"key": key, "type": kind, "label_fr": key, "label_en": key,
                                                   **extra})


def test_typed_custom_values_are_validated_stored_and_in_history(rpc, org):
    admin = org["admin"]
    _field(rpc, admin, "size", "number")
    _field(rpc, admin, "budget", "decimal")
    _field(rpc, admin, "tags", "multi_choice", choices=["vip", "b2b"])
    contact = rpc.create_contact(admin, {"last_name": "Roy", "list_ids": [org["list"]],
                                         "custom": {"size": 12, "budget": "43.98", "tags": ["vip"]}})
    assert contact["custom"] == {"size": 12, "budget": "43.98", "tags": ["vip"]}
    with expect(InvalidInput) as info:
        rpc.update_contact(admin, contact["id"], {"custom": {"size": "twelve", "nope": 1, "tags": ["x"]}})
    assert set(info.value.errors) == {"custom.size", "custom.nope", "custom.tags"}
    assert rpc.get_contact(admin, contact["id"])["custom"]["size"] == 12  # nothing stored by the refusal
    rpc.update_contact(admin, contact["id"], {"custom": {"size": 13, "budget": None}})
    history = rpc.get_contact_history(admin, contact["id"])
    assert {"field": "custom.size", "old": 12, "new": 13} in [
        {k: h[k] for k in ("field", "old", "new")} for h in history]
    assert rpc.get_contact(admin, contact["id"])["custom"] == {"size": 13, "tags": ["vip"]}


def test_custom_field_admin_rules(rpc, org):
    admin, user = org["admin"], make_actor(org["admin"]["org_id"])
    with expect(Forbidden):
        _field(rpc, user, "x", "text")
    _field(rpc, admin, "dup", "text")
    with expect(Conflict):
        _field(rpc, admin, "dup", "text")
    with expect(NotFound):
        _field(rpc, admin, "x", "text", module="planets")


def test_hidden_and_deleted_fields_leave_no_trace_in_records(rpc, org):
    admin = org["admin"]
    _field(rpc, admin, "secret", "text")
    _field(rpc, admin, "gone", "text")
    contact = rpc.create_contact(admin, {"last_name": "Roy", "list_ids": [org["list"]],
                                         "custom": {"secret": "s", "gone": "g"}})
    rpc.update_custom_field(admin, "contacts", "secret", {"hidden": True})
    rpc.delete_custom_field(admin, "contacts", "gone")
    assert rpc.get_contact(admin, contact["id"])["custom"] == {}
    assert [f["key"] for f in rpc.list_custom_fields(make_actor(admin["org_id"]), "contacts")] == []
    rpc.update_custom_field(admin, "contacts", "secret", {"hidden": False})
    assert rpc.get_contact(admin, contact["id"])["custom"] == {"secret": "s"}  # hidden kept, deleted gone


def test_criteria_filter_sort_and_saved_filters(rpc, org):
    admin = org["admin"]
    _field(rpc, admin, "size", "number")
    montreal = rpc.create_account(admin, {"name": "A", "city": "Montréal", "list_ids": [org["list"]]})
    a = rpc.create_contact(admin, {"last_name": "Émond", "account_id": montreal["id"], "list_ids": [org["list"]],
                                   "custom": {"size": 9}})
    b = rpc.create_contact(admin, {"last_name": "Zed", "account_id": montreal["id"], "list_ids": [org["list"]],
                                   "custom": {"size": 10}})
    rpc.create_contact(admin, {"last_name": "Other", "city": "Montreal", "list_ids": [org["list"]]})
    tree = {"op": "and", "items": [{"field": "account.city", "cmp": "eq", "value": "MONTREAL"},
                                   {"field": "custom.size", "cmp": "gt", "value": 5}]}
    page = rpc.search_contacts(admin, {"criteria": json.dumps(tree), "sort": "-custom.size"})
    assert [c["id"] for c in page["items"]] == [b["id"], a["id"]]  # 10 > 9: numbers, not text
    assert rpc.get_layout(admin, "contacts")["sort"] == "-custom.size"
    saved = rpc.create_filter(admin, "contacts", {"name": "Mtl", "criteria": tree})
    assert rpc.search_contacts(admin, {"filter_id": saved["id"]})["total"] == 2
    with expect(NotFound):
        rpc.search_contacts(make_actor(admin["org_id"], is_admin=True), {"filter_id": saved["id"]})
    with expect(NotFound):
        rpc.search_accounts(admin, {"filter_id": saved["id"]})
    with expect(InvalidInput) as info:
        rpc.search_contacts(admin, {"criteria": json.dumps({"op": "and", "items": [tree, {"field": "x"}]})})
    assert "criteria.items.1.field" in info.value.errors


def test_seventy_one_fields_are_refused(rpc, org):
    admin = make_actor(is_admin=True)
    for i in range(70):
        _field(rpc, admin, f"f{i}", "boolean")
    with expect(Conflict, code="custom_fields_limit"):  # the module is full: 409 (issue 10 §5)
        _field(rpc, admin, "f70", "boolean")
    assert len(rpc.list_custom_fields(admin, "contacts")) == 70
    _field(rpc, admin, "f70", "boolean", module="accounts")


def test_layout_put_refuses_unknown_fields(rpc, org):
    admin = org["admin"]
    _field(rpc, admin, "size", "number")
    with expect(InvalidInput) as info:
        rpc.put_layout(admin, "contacts", {"columns": [["last_name", "bogus"], ["custom.size"]]})
    assert list(info.value.errors) == ["columns.0.1"]
    layout = rpc.put_layout(admin, "contacts", {"columns": [["last_name", "first_name"], ["custom.size"]]})
    assert layout["columns"] == [["last_name", "first_name"], ["custom.size"]]
    with expect(Forbidden):
        rpc.put_layout(make_actor(admin["org_id"]), "contacts", {"columns": [["city"]]})
