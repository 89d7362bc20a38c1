"""The OpenAPI 3.1 document is generated from the route registry and matches the Flask routes exactly."""
import re

import pytest

from carnet_gateway.api import ADMIN, PREFIX, PUBLIC, api

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def document(served_document):
    return served_document


def flask_operations(app):
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PREFIX + "/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            found |= {(path, method) for method in rule.methods & METHODS}
    return found


def documented_operations(document):
    return {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}


def test_every_flask_route_is_documented_and_every_documented_route_exists(app):
    served, documented = flask_operations(app), documented_operations(app.extensions["carnet.openapi"])
    assert served, "no route registered under /api/v1"
    assert served - documented == set(), "routes missing from the document"
    assert documented - served == set(), "documented operations with no route"


def test_the_document_is_openapi_3_1_and_served_as_json(client, document):
    assert document["openapi"].startswith("3.1")
    response = client.get("/api/openapi.json")
    assert response.status_code == 200 and response.json == document


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_request_bodies_reference_the_route_marshmallow_schemas(document):
    schemas = document["components"]["schemas"]
    for op in api.operations:
        operation = document["paths"][PREFIX + op.path][op.method.lower()]
        if op.body is None:  # no JSON body; an upload's multipart one: test_upload_bodies.py
            assert ("requestBody" in operation) == (op.upload is not None), (op.method, op.path)
            continue
        body = op.body if isinstance(op.body, type) else type(op.body)
        assert operation["requestBody"]["content"]["application/json"]["schema"] == \
            {"$ref": f"#/components/schemas/{body.__name__}"}, (op.method, op.path)
        properties = set(schemas[body.__name__]["properties"])
        assert properties == {field.data_key or name for name, field in body().fields.items()
                              if not field.dump_only}, body.__name__
        assert schemas[body.__name__].get("additionalProperties") is False, "unknown fields are refused"


def test_query_parameters_are_documented_from_the_query_schema(document):
    for op in api.operations:
        operation = document["paths"][PREFIX + op.path][op.method.lower()]
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        expected = set(op.query().fields) if op.query else set()
        assert documented == expected, (op.method, op.path)
        path_params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert path_params == set(re.findall(r"{(\w+)}", op.path))


def test_every_success_response_with_a_body_documents_its_schema(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith("2") and status != "204":
                    schemas = [content.get("schema") for content in response["content"].values()]
                    assert schemas and all(schemas), f"{method.upper()} {path} {status} has no schema"


def test_authenticated_routes_declare_bearer_security_and_401(document):
    for op in api.operations:
        operation = document["paths"][PREFIX + op.path][op.method.lower()]
        if op.auth == PUBLIC:
            assert operation["security"] == []
        else:
            assert operation["security"] == [{"bearer": []}]
            assert "401" in operation["responses"]
        if op.body is not None:
            assert {"400", "413", "415", "422"} <= set(operation["responses"])


def test_each_operation_lists_the_permissions_its_route_declares(document):
    for op in api.operations:
        operation = document["paths"][PREFIX + op.path][op.method.lower()]
        assert operation.get("x-permissions", []) == [need.document() for need in op.needs], (op.method, op.path)
        if op.needs or op.auth == ADMIN:
            assert "403" in operation["responses"], (op.method, op.path)


def test_permissions_checked_in_route_bodies_are_documented_beside_the_route(document):
    paths = document["paths"]
    assert paths[PREFIX + "/contacts/{contact_id}"]["delete"]["x-permissions"] == [
        {"module": "contacts", "action": "delete"},
        {"module": "accounts", "action": "delete", "when": "`delete_account=true`"},
        {"module": "opportunities", "action": "delete", "when": "`dependents=delete`"},
        {"module": "tasks", "action": "delete", "when": "`dependents=delete`"}]
    assert paths[PREFIX + "/accounts/export.xlsx"]["get"]["x-permissions"] == [
        {"module": "accounts", "action": "export"}, {"module": "accounts", "action": "read"}]
    assert [(p["module"], p["action"]) for p in paths[PREFIX + "/contacts/bulk"]["post"]["x-permissions"]] == [
        ("contacts", "write"), ("contacts", "delete"), ("accounts", "delete"), ("opportunities", "delete"),
        ("tasks", "delete")]
    assert [(p["module"], p["action"]) for p in paths[PREFIX + "/jobs/{job_id}/download"]["get"]["x-permissions"]] \
        == [("contacts", "export"), ("accounts", "export"), ("opportunities", "export")]
    assert [(p["module"], p["action"]) for p in paths[PREFIX + "/trash/{trash_id}/restore"]["post"]["x-permissions"]] \
        == [("contacts", "delete"), ("accounts", "delete")]


def test_problem_responses_reference_the_problem_schema(document):
    responses = document["components"]["responses"]
    for ops in document["paths"].values():
        for operation in ops.values():
            for status, response in operation["responses"].items():
                if status[0] in "45":
                    name = response["$ref"].rsplit("/", 1)[-1]
                    assert responses[name]["content"]["application/problem+json"]["schema"] == \
                        {"$ref": "#/components/schemas/Problem"}


def test_the_api_page_uses_local_assets_only(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html)
    for asset in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert client.get(asset).status_code == 200, asset
