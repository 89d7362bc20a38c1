"""The user ids a request names are checked by one piece (``user_refs.check_users``, issue 10 §2) on every route
that takes one: reps of contacts, accounts and opportunities (C-4, O-2), a task's assignee (T-1), a list's
grantees (S-6). With fake Redis and RPC: what identity says of each id decides, and nothing is written when one
is refused."""
import functools

import pytest
from conftest import principal, sign_in

from carnet_gateway.api import PREFIX, api

ALL = {"read", "write", "delete", "export"}
MODULES = {m: ALL for m in ("contacts", "accounts", "opportunities", "tasks")}
USER_FIELDS = {"rep1_id", "rep2_id", "assignee_id", "user_ids"}

# (method, path, body without the user field, the field, the service and its write method, its read for held values)
ROUTES = [
    ("POST", "/contacts", {"last_name": "Roy", "list_ids": ["l1"]}, "rep1_id", ("contacts", "create_contact"), None),
    ("PATCH", "/contacts/c1", {}, "rep2_id", ("contacts", "update_contact"), ("contacts", "get_contact")),
    ("POST", "/accounts", {"name": "Acme", "list_ids": ["l1"]}, "rep1_id", ("contacts", "create_account"), None),
    ("PATCH", "/accounts/a1", {}, "rep1_id", ("contacts", "update_account"), ("contacts", "get_account")),
    ("POST", "/accounts/a1/contacts", {"last_name": "Roy"}, "rep2_id", ("contacts", "create_account_contact"), None),
    ("POST", "/opportunities", {"title": "X", "account_id": "a1", "stage_id": "s1"}, "rep2_id",
     ("opportunities", "create_opportunity"), None),
    ("PATCH", "/opportunities/o1", {}, "rep1_id", ("opportunities", "update_opportunity"),
     ("opportunities", "get_opportunity")),
    ("POST", "/tasks", {"type": "call", "title": "X"}, "assignee_id", ("opportunities", "create_task"), None),
    ("PATCH", "/tasks/t1", {}, "assignee_id", ("opportunities", "update_task"), ("opportunities", "get_task")),
    ("PUT", "/lists/l1/grants", {}, "user_ids", ("contacts", "set_list_grants"), ("contacts", "get_list_grants")),
]
IDS = [f"{method} {path} {field}" for method, path, _, field, _, _ in ROUTES]


@pytest.fixture
def as_admin(client, redis, rpc):
    """The client as u1 of o1, an administrator (list grants need one) whose role may write every module."""
    def sign(**modules):
        sign_in(client, redis, rpc, **modules)
        rpc.answers[("identity", "get_principal")] = functools.partial(_admin_principal, modules)
        rpc.answers[("contacts", "get_selected_lists")] = {"list_ids": ["l1"]}
        return client
    return sign


def _admin_principal(modules, user_id):
    return {**principal(modules=modules), "is_admin": True}


def _send(client, method, path, body):
    return client.open(PREFIX + path, method=method, json=body)


def _value(field, user_id):
    return [user_id] if field == "user_ids" else user_id


def _writes(rpc, write):
    return [call for call in rpc.calls if (call[0], call[1]) == write]


def test_every_route_whose_body_names_a_user_is_checked():
    """A route added later with a user field and no check would be missing here (and from ``ROUTES``)."""
    named = {(op.method, op.path) for op in api.operations if op.body is not None
             and USER_FIELDS & set(getattr(op.body, "_declared_fields", {}))}
    checked = {(method, path.replace("/c1", "/{contact_id}").replace("/a1", "/{account_id}")
                .replace("/o1", "/{opportunity_id}").replace("/t1", "/{task_id}").replace("/l1", "/{list_id}"))
               for method, path, *_ in ROUTES}
    assert named == checked


@pytest.mark.parametrize(("method", "path", "body", "field", "write", "read"), ROUTES, ids=IDS)
def test_a_user_of_another_organization_or_none_is_refused_naming_the_field(as_admin, rpc, method, path, body,
                                                                            field, write, read):
    rpc.answers[("identity", "get_user_states")] = {}
    client = as_admin(**MODULES)
    response = _send(client, method, path, {**body, field: _value(field, "u-elsewhere")})
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {field: ["No such user in your organization."]}
    assert _writes(rpc, write) == []
    [(service, _, args)] = [call for call in rpc.calls if call[1] == "get_user_states"]
    assert (service, args[0]["org_id"], args[1]) == ("identity", "o1", ["u-elsewhere"])


@pytest.mark.parametrize(("method", "path", "body", "field", "write", "read"), ROUTES, ids=IDS)
def test_an_inactive_user_is_refused_unless_the_record_already_holds_them(as_admin, rpc, method, path, body, field,
                                                                          write, read):
    rpc.answers[("identity", "get_user_states")] = {"u-gone": "inactive", "u-new": "active"}
    rpc.answers[write] = {"id": "x1", "version": 1, "list_ids": [], "custom": {}}
    client = as_admin(**MODULES)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    if read is not None:
        rpc.answers[read] = {"id": "x1", field: _value(field, "u-other")}
    response = _send(client, method, path, {**body, field: _value(field, "u-gone")})
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {field: [
        "Cet utilisateur est inactif : choisissez un utilisateur actif de votre organisation."]}
    assert _writes(rpc, write) == []
    # S-1: an inactive user stays where they are (an update sending the record back), and an active one passes
    if read is not None:
        rpc.answers[read] = {"id": "x1", field: "u-gone" if field != "user_ids" else ["u-other", "u-gone"]}
        assert _send(client, method, path, {**body, field: _value(field, "u-gone")}).status_code in (200, 201)
    assert _send(client, method, path, {**body, field: _value(field, "u-new")}).status_code in (200, 201)


def test_the_caller_themselves_and_no_user_ask_identity_nothing(as_admin, rpc):
    rpc.answers[("opportunities", "create_task")] = {"id": "t1"}
    rpc.answers[("contacts", "create_account")] = {"id": "a1", "version": 1, "list_ids": [], "custom": {}}
    client = as_admin(**MODULES)
    assert _send(client, "POST", "/tasks", {"type": "call", "title": "X", "assignee_id": "u1"}).status_code == 201
    assert _send(client, "POST", "/accounts", {"name": "A", "list_ids": ["l1"], "rep2_id": None}).status_code == 201
    assert [call for call in rpc.calls if call[1] == "get_user_states"] == []


def test_every_refused_field_is_named_once(as_admin, rpc):
    rpc.answers[("identity", "get_user_states")] = {"u-gone": "inactive"}
    client = as_admin(**MODULES)
    response = _send(client, "POST", "/opportunities", {"title": "X", "account_id": "a1", "stage_id": "s1",
                                                         "rep1_id": "u-nobody", "rep2_id": "u-gone"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"rep1_id", "rep2_id"}
    grants = _send(client, "PUT", "/lists/l1/grants", {"user_ids": ["u-x", "u-y", "u1"]})
    assert grants.json["errors"] == {"user_ids": ["No such user in your organization."]}
