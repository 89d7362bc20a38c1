"""POST /accounts/bulk at the gateway (issue 10 §6; C-9, C-10): the permissions it declares and checks before it
calls the contacts service (those of DELETE /accounts/{id} for a delete), what the OpenAPI document says of them
and of the body (the document and the contract agree on the rules across fields), and what the answer shows a
role that may not read contacts."""
import functools

import jsonschema
import pytest
from conftest import sign_in
from marshmallow import ValidationError

from carnet_contracts.lifecycle import AccountBulkAction
from carnet_gateway.api import PREFIX

ALL = {"read", "write", "delete", "export"}
PATH = "/api/v1/accounts/bulk"
DELETED = {"action": "delete", "matched": 1, "changed": 1, "not_found": [], "contacts_deleted": ["c1"]}


@pytest.fixture
def as_role(client, redis, rpc):
    return functools.partial(sign_in, client, redis, rpc)


def _service_calls(rpc):
    return [(service, method) for service, method, _ in rpc.calls if method != "get_principal"]


@pytest.mark.parametrize(("body", "modules", "missing"), [
    ({"action": "copy_to_list", "ids": ["a1"], "list_id": "l1"}, {"accounts": {"read"}}, "accounts write"),
    ({"action": "remove_from_list", "q": "x", "from_list_id": "l1"}, {"accounts": {"read"}}, "accounts write"),
    ({"action": "delete", "ids": ["a1"]}, {"accounts": {"read", "write"}}, "accounts delete"),
    ({"action": "delete", "ids": ["a1"], "dependents": "delete"}, {"accounts": ALL, "tasks": ALL},
     "opportunities delete"),
    ({"action": "delete", "ids": ["a1"], "dependents": "delete"}, {"accounts": ALL, "opportunities": ALL},
     "tasks delete"),
])
def test_a_bulk_action_on_accounts_is_refused_without_the_permission_it_needs(as_role, rpc, body, modules, missing):
    response = as_role(**modules).post(PATH, json=body)
    module, action = missing.split()
    assert response.status_code == 403, response.json
    assert response.json["detail"] == f"Your role does not allow {action} on {module}."
    assert _service_calls(rpc) == []


@pytest.mark.parametrize(("body", "modules"), [
    ({"action": "move_to_list", "ids": ["a1"], "list_id": "l1", "from_list_id": "l2"}, {"accounts": {"read",
                                                                                                      "write"}}),
    ({"action": "delete", "ids": ["a1"]}, {"accounts": ALL}),  # as DELETE /accounts/{id}: not the contacts one
    ({"action": "delete", "ids": ["a1"], "dependents": "delete"}, {"accounts": ALL, "opportunities": ALL,
                                                                   "tasks": ALL}),
])
def test_a_bulk_action_on_accounts_runs_with_the_permissions_it_needs(as_role, rpc, body, modules):
    rpc.answers[("contacts", "bulk_accounts")] = {**DELETED, "action": body["action"]}
    response = as_role(**modules).post(PATH, json=body)
    assert response.status_code == 200, response.json
    assert _service_calls(rpc) == [("contacts", "bulk_accounts")]
    (_, _, args), = [c for c in rpc.calls if c[1] == "bulk_accounts"]
    assert args[1] == {"dependents": "reattach", **body}


def test_the_contacts_deleted_with_the_accounts_are_named_only_to_a_role_that_may_read_contacts(as_role, rpc):
    rpc.answers[("contacts", "bulk_accounts")] = DELETED
    body = {"action": "delete", "ids": ["a1"]}
    assert as_role(accounts=ALL).post(PATH, json=body).json == {
        key: value for key, value in DELETED.items() if key != "contacts_deleted"}
    assert as_role(accounts=ALL, contacts={"read"}).post(PATH, json=body).json == DELETED


def test_the_document_lists_the_permissions_of_the_route(served_document):
    operation = served_document["paths"][PREFIX + "/accounts/bulk"]["post"]
    assert [(p["module"], p["action"], p.get("when")) for p in operation["x-permissions"]] == [
        ("accounts", "write", None), ("accounts", "delete", "`action` is `delete`"),
        ("opportunities", "delete", "`action` is `delete` with `dependents` `delete`"),
        ("tasks", "delete", "`action` is `delete` with `dependents` `delete`")]


@pytest.mark.parametrize("body", [
    {"action": "remove_from_list", "ids": ["a"]},
    {"action": "remove_from_list", "ids": ["a"], "list_id": "l"},
    {"action": "remove_from_list", "q": "x", "from_list_id": "l"},
    {"action": "move_to_list", "ids": ["a"], "list_id": "l"},
    {"action": "move_to_list", "criteria": {}, "list_id": "l", "from_list_id": "k"},
    {"action": "copy_to_list", "ids": ["a"]},
    {"action": "delete", "ids": ["a"], "q": "x"},
    {"action": "delete"},
    {"action": "delete", "ids": ["a"], "delete_empty_accounts": True},
])
def test_the_document_and_the_contract_agree_on_an_accounts_bulk_body(served_document, body):
    schema = {"$ref": "#/components/schemas/AccountBulkAction", "components": served_document["components"]}
    documented = jsonschema.Draft202012Validator(schema).is_valid(body)
    try:
        AccountBulkAction().load(body)
        taken = True
    except ValidationError:
        taken = False
    assert documented == taken, body
