"""A route declares every module permission it needs, conditional ones included, and the document lists them
(S-3, docs/rules/http-api.md): the registry refuses before the view runs, with a 403 naming the module and action."""
import functools

import pytest
from conftest import registry_app, sign_in
from marshmallow import fields

from carnet_common.contracts import Contract
from carnet_gateway.api import Api, Need, When, needs_of
from carnet_gateway.openapi import build_spec


class PurgeQuery(Contract):
    purge = fields.Boolean(load_default=False)


class ArchiveBody(Contract):
    mode = fields.String(required=True)


PURGE = When.query_flag("purge")
HARD = When("`mode` is `hard`", lambda call: call.body["mode"] == "hard")
OF_RECORD = When("the thing is an invoice (checked by its service)")


@pytest.fixture
def registry():
    registry = Api()
    registry.seen = []

    @registry.route("/things/{thing_id}", "DELETE", query=PurgeQuery, status=204, summary="Delete",
                    tags=("things",), permission=[("things", "delete"), Need("accounts", "delete", PURGE)])
    def delete_thing(call):
        registry.seen.append(call)

    @registry.route("/things/{thing_id}/archive", "POST", body=ArchiveBody, status=204, summary="Archive",
                    tags=("things",), permission=[("things", "write"), Need("things", "delete", HARD),
                                                  Need("invoices", "delete", OF_RECORD)])
    def archive_thing(call):
        registry.seen.append(call)

    return registry


@pytest.fixture
def app(registry, redis, rpc):
    return registry_app(registry, redis, rpc)


@pytest.fixture
def as_role(client, redis, rpc):
    return functools.partial(sign_in, client, redis, rpc)


def assert_missing(response, module, action):
    assert response.status_code == 403
    assert response.json["code"] == "missing_permission"
    assert response.json["detail"] == f"Your role does not allow {action} on {module}."


def test_a_conditional_permission_is_required_when_its_condition_holds(as_role, registry):
    client = as_role(things={"delete"})
    assert_missing(client.delete("/api/v1/things/t1?purge=true"), "accounts", "delete")
    assert registry.seen == []


def test_a_conditional_permission_is_not_required_when_its_condition_does_not_hold(as_role, registry):
    client = as_role(things={"delete"})
    assert client.delete("/api/v1/things/t1?purge=false").status_code == 204
    assert client.delete("/api/v1/things/t1").status_code == 204
    assert [call.query for call in registry.seen] == [{"purge": False}, {"purge": False}]


def test_a_conditional_permission_the_role_has_lets_the_route_run(as_role, registry):
    client = as_role(things={"delete"}, accounts={"delete"})
    assert client.delete("/api/v1/things/t1?purge=true").status_code == 204
    assert registry.seen[0].query == {"purge": True}


def test_an_unconditional_permission_is_checked_before_the_input_is_read(as_role, registry):
    client = as_role(accounts={"delete"})
    assert_missing(client.delete("/api/v1/things/t1?purge=maybe"), "things", "delete")
    client = as_role(things={"delete"})
    assert client.delete("/api/v1/things/t1?purge=maybe").status_code == 422, "then the input"
    assert registry.seen == []


def test_a_condition_on_the_body_reads_the_loaded_body(as_role, registry):
    client = as_role(things={"write"})
    assert_missing(client.post("/api/v1/things/t1/archive", json={"mode": "hard"}), "things", "delete")
    assert client.post("/api/v1/things/t1/archive", json={"mode": "soft"}).status_code == 204
    assert [call.body for call in registry.seen] == [{"mode": "soft"}]
    assert as_role(things={"write", "delete"}).post("/api/v1/things/t1/archive", json={"mode": "hard"}) \
        .status_code == 204


def test_a_condition_on_a_record_the_route_reads_is_left_to_the_route(as_role, registry):
    """``invoices.delete`` depends on the record: the registry cannot decide it and does not refuse."""
    response = as_role(things={"write"}).post("/api/v1/things/t1/archive", json={"mode": "soft"})
    assert response.status_code == 204 and len(registry.seen) == 1


def test_the_document_lists_every_permission_with_its_condition(registry):
    operations = build_spec(registry)["paths"]
    assert operations["/api/v1/things/{thing_id}"]["delete"]["x-permissions"] == [
        {"module": "things", "action": "delete"},
        {"module": "accounts", "action": "delete", "when": "`purge=true`"}]
    archive = operations["/api/v1/things/{thing_id}/archive"]["post"]
    assert archive["x-permissions"] == [
        {"module": "things", "action": "write"},
        {"module": "things", "action": "delete", "when": "`mode` is `hard`"},
        {"module": "invoices", "action": "delete", "when": "the thing is an invoice (checked by its service)"}]
    assert archive["description"] == ("Needs the role's permissions: things.write; things.delete when `mode` is "
                                      "`hard`; invoices.delete when the thing is an invoice (checked by its service).")
    assert "403" in archive["responses"]


@pytest.mark.parametrize(("declared", "needs"), [
    (None, ()),
    (("contacts", "read"), (Need("contacts", "read"),)),
    (Need("contacts", "read", PURGE), (Need("contacts", "read", PURGE),)),
    ([("contacts", "export"), ("contacts", "read")], (Need("contacts", "export"), Need("contacts", "read"))),
    ((("contacts", "write"), Need("accounts", "delete", PURGE)),
     (Need("contacts", "write"), Need("accounts", "delete", PURGE))),
])
def test_permission_takes_one_declaration_or_several(declared, needs):
    assert needs_of(declared) == needs
