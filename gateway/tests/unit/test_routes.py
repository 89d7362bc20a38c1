"""The served routes' declared permissions, the contact/account table and the task board, with fake Redis
and RPC (what each route sends to which service, and what it refuses before sending anything)."""
import functools

import pytest
from conftest import sign_in

from carnet_common.jobs import new_job_id
from carnet_gateway import records
from carnet_gateway.api import PREFIX, api

ALL = {"read", "write", "delete", "export"}


@pytest.fixture
def as_role(client, redis, rpc):
    return functools.partial(sign_in, client, redis, rpc)


def service_calls(rpc):
    return [(service, method) for service, method, _ in rpc.calls if method != "get_principal"]


def assert_missing(response, module, action):
    assert response.status_code == 403, response.json
    assert response.json["code"] == "missing_permission"
    assert response.json["detail"] == f"Your role does not allow {action} on {module}."


# DELETE /contacts/{id}?delete_account=true ----------------------------------------------------------------

def test_deleting_a_contact_with_its_account_needs_the_accounts_delete_permission(as_role, rpc):
    client = as_role(contacts=ALL, accounts={"read"})
    assert_missing(client.delete("/api/v1/contacts/c1?delete_account=true"), "accounts", "delete")
    assert service_calls(rpc) == []


def test_deleting_a_contact_alone_needs_only_the_contacts_delete_permission(as_role, rpc):
    rpc.answers[("contacts", "trash_contact")] = None
    client = as_role(contacts=ALL, accounts={"read"})
    assert client.delete("/api/v1/contacts/c1").status_code == 204
    assert client.delete("/api/v1/contacts/c1?delete_account=false").status_code == 204
    assert [args[1:] for _, method, args in rpc.calls if method == "trash_contact"] == [
        ("c1", {"delete_account": False, "dependents": "reattach"})] * 2


def test_deleting_a_contact_with_its_account_runs_when_the_role_may(as_role, rpc):
    rpc.answers[("contacts", "trash_contact")] = None
    client = as_role(contacts=ALL, accounts=ALL)
    assert client.delete("/api/v1/contacts/c1?delete_account=true&dependents=reattach").status_code == 204
    assert [args[1:] for _, method, args in rpc.calls if method == "trash_contact"] == [
        ("c1", {"delete_account": True, "dependents": "reattach"})]


# dependents=delete (issue 10 §1): the delete permission of each module it deletes from ---------------------

@pytest.mark.parametrize(("path", "modules", "missing"), [
    ("/api/v1/contacts/c1?dependents=delete", {"contacts": ALL}, ("opportunities", "delete")),
    ("/api/v1/contacts/c1?dependents=delete", {"contacts": ALL, "opportunities": ALL, "tasks": {"read", "write"}},
     ("tasks", "delete")),
    ("/api/v1/accounts/a1?dependents=delete", {"accounts": ALL, "tasks": ALL}, ("opportunities", "delete")),
    ("/api/v1/accounts/a1?dependents=delete", {"accounts": ALL, "opportunities": ALL}, ("tasks", "delete")),
])
def test_deleting_the_dependents_needs_the_delete_permission_of_their_modules(as_role, rpc, path, modules, missing):
    assert_missing(as_role(**modules).delete(path), *missing)
    assert service_calls(rpc) == []


def test_a_delete_with_its_dependents_answers_what_it_did_and_why_in_the_callers_language(as_role, rpc):
    rpc.answers[("contacts", "trash_contact")] = {
        "deleted": ["c1"], "accounts_left_empty": [], "accounts_deleted": [],
        "dependents": {"opportunities_deleted": ["o1"], "tasks_deleted": ["t1"],
                       "left": [{"type": "opportunity", "id": "o2", "reason": "read_only"}]}}
    client = as_role(contacts=ALL, opportunities=ALL, tasks=ALL)
    response = client.delete("/api/v1/contacts/c1?dependents=delete", headers={"Accept-Language": "fr"})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["record_type"], body["id"]) == ("contact", "c1")
    assert (body["dependents"]["opportunities_deleted"], body["dependents"]["tasks_deleted"]) == (["o1"], ["t1"])
    [left] = body["dependents"]["left"]
    assert (left["id"], left["reason"], body["dependents"]["left_total"]) == ("o2", "read_only", 1)
    assert "comptable" in left["detail"] and "rattachement" in body["dependents"]["note"]


# Bulk actions ----------------------------------------------------------------------------------------------

BULK_RESULT = {"action": "copy_to_list", "matched": 1, "changed": 1, "not_found": []}


@pytest.mark.parametrize(("body", "modules", "missing"), [
    ({"action": "delete", "ids": ["c1"]}, {"contacts": {"read", "write"}}, ("contacts", "delete")),
    ({"action": "delete", "ids": ["c1"], "delete_empty_accounts": True}, {"contacts": ALL, "accounts": {"read"}},
     ("accounts", "delete")),
    ({"action": "copy_to_list", "ids": ["c1"], "list_id": "l1"}, {"contacts": {"read"}}, ("contacts", "write")),
])
def test_a_bulk_action_is_refused_without_the_permission_it_needs(as_role, rpc, body, modules, missing):
    assert_missing(as_role(**modules).post("/api/v1/contacts/bulk", json=body), *missing)
    assert service_calls(rpc) == []


@pytest.mark.parametrize(("body", "modules"), [
    ({"action": "copy_to_list", "ids": ["c1"], "list_id": "l1"}, {"contacts": {"read", "write"}}),
    ({"action": "delete", "ids": ["c1"]}, {"contacts": ALL, "accounts": {"read"}}),
    ({"action": "delete", "ids": ["c1"], "delete_empty_accounts": True}, {"contacts": ALL, "accounts": ALL}),
])
def test_a_bulk_action_runs_with_the_permissions_it_needs(as_role, rpc, body, modules):
    rpc.answers[("contacts", "bulk_contacts")] = BULK_RESULT
    assert as_role(**modules).post("/api/v1/contacts/bulk", json=body).status_code == 200
    assert service_calls(rpc) == [("contacts", "bulk_contacts")]


# Exports and job downloads -----------------------------------------------------------------------------------

@pytest.mark.parametrize("record", records.RECORDS, ids=lambda record: record.module)
def test_an_export_needs_the_modules_read_permission_too(as_role, rpc, record):
    assert_missing(as_role(**{record.module: {"export"}}).get(f"/api/v1/{record.module}/export.xlsx"),
                   record.module, "read")
    assert_missing(as_role(**{record.module: {"read"}}).get(f"/api/v1/{record.module}/export.xlsx"),
                   record.module, "export")
    assert service_calls(rpc) == []


@pytest.mark.parametrize(("kind", "module"), [("export_contacts", "contacts"), ("export_accounts", "accounts")])
def test_a_job_download_needs_the_export_permission_of_the_jobs_module(as_role, rpc, kind, module):
    """Both kinds are contacts jobs: only the job read tells which module's export permission applies."""
    job_id = new_job_id("contacts")
    rpc.answers[("contacts", "get_job")] = {"id": job_id, "kind": kind, "status": "done", "chunks": 1,
                                            "filename": "x.xlsx", "size": 2}
    rpc.answers[("contacts", "read_job_chunk")] = {"data": "b2s="}
    other = "accounts" if module == "contacts" else "contacts"
    assert_missing(as_role(**{module: {"read"}, other: ALL}).get(f"/api/v1/jobs/{job_id}/download"), module, "export")
    response = as_role(**{module: {"read", "export"}}).get(f"/api/v1/jobs/{job_id}/download")
    assert response.status_code == 200 and response.data == b"ok"
    assert service_calls(rpc) == [("contacts", "get_job"), ("contacts", "get_job"), ("contacts", "read_job_chunk")]


# Contacts and accounts from one table ----------------------------------------------------------------------

def _operations(module):
    """The table's routes of ``module`` as (method, path with the module and id named generically, permission
    modules), to compare contacts' and accounts'."""
    record = records.BY_MODULE[module]
    shared = {}
    for op in api.operations:
        if op.path.startswith(f"/{module}") and op.path != f"/{module}/bulk" and "/relations" not in op.path \
                and "/move" not in op.path and "/contacts" not in op.path.removeprefix(f"/{module}") \
                and "/enrichment" not in op.path \
                and not op.path.endswith(("/emails", "/consents")) and "/consents/" not in op.path:
            # C-6 enriches contacts only; e-mails (E-3) and consent (E-11) are a contact's, never an account's
            generic = op.path.replace(f"/{module}", "/{module}").replace(f"{{{record.id_param}}}", "{id}")
            shared[(op.method, generic)] = tuple((need.module == module, need.action) for need in op.needs
                                                 if need.when is None)
    return shared


def test_contacts_and_accounts_have_the_same_routes_with_the_same_permissions():
    assert _operations("contacts") == _operations("accounts")
    assert len(_operations("contacts")) == 14  # 9, and the duplicates queue, its scan, check and dismiss (C-20)


@pytest.mark.parametrize("record", records.RECORDS, ids=lambda record: record.module)
def test_a_record_is_read_through_its_modules_field_permissions(as_role, rpc, record):
    hidden = "email" if record.kind == "contact" else "name"
    rpc.answers[("contacts", f"get_{record.kind}")] = {"id": "r1", hidden: "secret", "city": "Laval",
                                                     "internal": "never shown", "custom": {"a": 1, "b": 2}}
    client = as_role(fields={f"{record.module}.{hidden}": {"read": False, "write": False},
                             f"{record.module}.custom.b": {"read": False}}, **{record.module: {"read"}})
    response = client.get(f"/api/v1/{record.module}/r1")
    assert response.status_code == 200
    assert response.json == {"id": "r1", "city": "Laval", "custom": {"a": 1}}
    (_, method, args), = [c for c in rpc.calls if c[1] != "get_principal"]
    assert method == f"get_{record.kind}" and args[1:] == ("r1",)
    assert set(args[0]) == {"org_id", "user_id", "is_admin", "request_id", "flags", "subordinate_ids", "timezone"}


@pytest.mark.parametrize("record", records.RECORDS, ids=lambda record: record.module)
def test_writing_a_field_the_role_may_not_write_is_refused_naming_it(as_role, rpc, record):
    client = as_role(fields={f"{record.module}.city": {"read": True, "write": False}},
                     **{record.module: {"read", "write"}})
    response = client.patch(f"/api/v1/{record.module}/r1", json={"city": "Laval"})
    assert response.status_code == 403 and response.json["errors"] == {"city": [
        "Your role may not change the field city."]}
    assert service_calls(rpc) == []


# The task board ----------------------------------------------------------------------------------------------

BOARD = {"view": "board", "columns": [
    {"status": "todo", "total": 1, "total_capped": False, "items": [{"id": "t1", "status": "todo"}]},
    {"status": "in_progress", "total": 0, "total_capped": False, "items": []},
    {"status": "done", "total": 0, "total_capped": False, "items": []}]}


def test_the_board_is_its_own_route_answering_its_documented_shape(as_role, rpc, app):
    rpc.answers[("contacts", "get_selected_lists")] = {"list_ids": ["l1"]}
    rpc.answers[("opportunities", "list_tasks")] = BOARD
    response = as_role(tasks={"read"}).get("/api/v1/tasks/board?assignee_id=u2&per_page=10")
    assert response.status_code == 200 and response.json == BOARD
    (_, _, (actor, query, fields)), = [c for c in rpc.calls if c[1] == "list_tasks"]
    assert query == {"assignee_id": "u2", "per_page": 10, "page": 1, "view": "board"}
    assert {"due_at", "status", "description"} <= set(fields), "the readable fields decide the order (S-3)"
    assert actor["list_ids"] == ["l1"] and actor["timezone"] == "America/Toronto"
    board = app.extensions["carnet.openapi"]["paths"][PREFIX + "/tasks/board"]["get"]
    assert board["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TaskBoardRead"}


def test_the_task_list_is_always_a_page(as_role, rpc):
    response = as_role(tasks={"read"}).get("/api/v1/tasks?view=board")
    assert response.status_code == 422 and response.json["errors"] == {"view": ["Unknown field."]}
    assert service_calls(rpc) == []
