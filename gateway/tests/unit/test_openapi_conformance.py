"""The document states what the server takes (issue 10 §5): each rule here was a disagreement schemathesis found
(tests/api_fuzz), now stated once for both (docs/rules/http-api.md)."""
import re
import runpy
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
from marshmallow import ValidationError

from carnet_contracts.customization import CustomFieldCreate
from carnet_contracts.lifecycle import BulkAction
from carnet_contracts.lists import ListCreate
from carnet_contracts.opportunities import LineIn
from carnet_contracts.records import AccountContactCreate, ContactCreate
from carnet_contracts.values import AwareDateTimeText, DateText
from carnet_gateway.api import PREFIX


@pytest.fixture
def document(served_document):
    return served_document


def _valid_in_document(document, name, value):
    resolver_schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    validator = jsonschema.Draft202012Validator(resolver_schema, format_checker=jsonschema.FormatChecker())
    return validator.is_valid(value)


def _valid_on_server(contract, value):
    try:
        contract().load(value)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(("contract", "body"), [
    (ListCreate, {"name": "Clients", "private": True, "access_all_users": True}),
    (ListCreate, {"name": "Clients", "private": True, "access_all_users": False}),
    (ListCreate, {"name": " "}),
    (CustomFieldCreate, {"key": "secteur", "type": "url", "label_fr": "S", "label_en": "S", "choices": ["a"]}),
    (CustomFieldCreate, {"key": "secteur", "type": "single_choice", "label_fr": "S", "label_en": "S"}),
    (CustomFieldCreate, {"key": "secteur", "type": "single_choice", "label_fr": "S", "label_en": "S",
                         "choices": ["a"]}),
    (CustomFieldCreate, {"key": "secteur", "type": "text", "label_fr": "S", "label_en": "S", "height": 3}),
    (BulkAction, {"action": "delete", "ids": ["a"], "q": "x"}),
    (BulkAction, {"action": "delete"}),
    (BulkAction, {"action": "copy_to_list", "ids": ["a"]}),
    (BulkAction, {"action": "move_to_list", "ids": ["a"], "list_id": "l"}),
    (BulkAction, {"action": "move_to_list", "ids": ["a"], "list_id": "l", "from_list_id": "k"}),
])
def test_the_document_and_the_contract_agree_on_rules_across_fields(document, contract, body):
    assert _valid_in_document(document, contract.__name__, body) == _valid_on_server(contract, body), body


@pytest.mark.parametrize("name", [
    "Clients", " Clients ", "\x1dClients\x1d", "\ufeff", "a" * 100, " " + "a" * 99, " " + "a" * 100, "a" * 100 + "\n",
    " ", "\x1d", "\x85", "\u3000\u2028", "\t\n\x0b\x0c\r"])
def test_a_trimmed_text_is_valid_for_the_server_exactly_when_the_document_says_so(document, name):
    """Blank is what ``str.strip`` removes (not ECMA-262's nor Rust's ``\\s``); the maximum counts the text as sent.
    Checked with the validator schemathesis uses (jsonschema_rs) as well."""
    body = {"name": name}
    documented = _valid_in_document(document, "ListCreate", body)
    assert documented == _valid_on_server(ListCreate, body), repr(name)
    resolved = {"$ref": "#/components/schemas/ListCreate", "components": document["components"]}
    assert jsonschema_rs.validator_for(resolved).is_valid(body) == documented, repr(name)
    choices = {"key": "secteur", "type": "single_choice", "label_fr": "S", "label_en": "S", "choices": [name]}
    assert _valid_in_document(document, "CustomFieldCreate", choices) == _valid_on_server(CustomFieldCreate, choices)


@pytest.mark.parametrize("amount", [
    "43.98", "0", "2", "1.500", "1.", "0000000000001", "999999999999.99", "1000000000000", "0" * 39 + "1", "0" * 41,
    "1.234", "1.2340", "١", "1e3", "", 7, 0, 999999999999, 10 ** 12, -1, 1.5, True, None, 110175.0, 1e12, -1.0])
def test_a_decimal_is_valid_for_the_server_exactly_when_the_document_says_so(document, amount):
    body = {"quantity": "1", "unit_price": amount}
    documented = _valid_in_document(document, "LineIn", body)
    assert documented == _valid_on_server(LineIn, body), repr(amount)
    resolved = {"$ref": "#/components/schemas/LineIn", "components": document["components"]}
    assert jsonschema_rs.validator_for(resolved).is_valid(body) == documented, repr(amount)


@pytest.mark.parametrize("amount", [" 2 ", "+2", ".5", "-0"])
def test_the_decimals_the_server_also_reads_are_named_in_the_document(document, amount):
    """Leniencies of ``parse_decimal`` (tests of carnet_contracts) that a pattern could state only with lookarounds
    that neither Rust nor hypothesis take: the field's description names them."""
    body = {"quantity": "1", "unit_price": amount}
    assert _valid_on_server(LineIn, body) and not _valid_in_document(document, "LineIn", body)
    description = document["components"]["schemas"]["LineIn"]["properties"]["unit_price"]["description"]
    assert "white space around it, a leading `+` or `.`, `-0`" in description


@pytest.mark.parametrize("contract", [ContactCreate, AccountContactCreate])
@pytest.mark.parametrize("named", [
    {}, {"first_name": "Luc"}, {"last_name": "Émond"}, {"email": "luc@client.test"}, {"first_name": " "},
    {"first_name": None, "last_name": None, "email": None}, {"last_name": None, "email": "luc@client.test"}])
def test_a_new_contact_has_a_name_for_the_document_as_for_the_server(document, contract, named):
    body = {**named, "list_ids": ["l1"]}
    assert _valid_in_document(document, contract.__name__, body) == _valid_on_server(contract, body), body


def test_an_export_documents_the_404_of_a_saved_filter_that_is_not_the_callers(document):
    for module in ("contacts", "accounts"):
        assert "404" in document["paths"][f"{PREFIX}/{module}/export.xlsx"]["get"]["responses"]


@pytest.mark.parametrize("text", [
    "2025-03-10T10:00:00-04:00", "2025-03-10T10:00:00Z", "2025-03-10t10:00:00z", "2025-03-10T10:00:00.123456+01:00",
    "2025-03-10 10:00:00+00:00", "2025-03-10T10:00:00", "0001-03-10T10:00:00Z", "1899-12-31T23:59:59Z",
    "2025-03-10T10:00Z", "20250310T100000Z", "2025-03-10T10:00:00.1234567Z"])
def test_a_date_time_is_valid_for_the_server_exactly_when_the_document_says_so(document, text):
    schema = document["components"]["schemas"]["TaskCreate"]["properties"]["due_at"]
    documented = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).is_valid(text)
    try:
        AwareDateTimeText().deserialize(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert documented == accepted, text


@pytest.mark.parametrize("text", ["2025-03-10", "0001-01-01", "1899-12-31", "2025-W10-1", "20250310", "2025-02-30"])
def test_a_date_is_valid_for_the_server_exactly_when_the_document_says_so(document, text):
    parameters = document["paths"][PREFIX + "/dashboard"]["get"]["parameters"]
    schema = next(p["schema"] for p in parameters if p["name"] == "from")
    documented = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).is_valid(text)
    try:
        DateText().deserialize(text)
        accepted = True
    except ValidationError:
        accepted = False
    assert documented == accepted, text


def test_a_credential_change_documents_the_current_password_identity_requires(document):
    body = {"password": "correct-horse-battery"}
    assert not _valid_in_document(document, "UserUpdate", body)
    assert _valid_in_document(document, "UserUpdate", {**body, "current_password": "x"})
    assert _valid_in_document(document, "UserUpdate", {"full_name": "Marie"})


def test_a_module_in_a_path_is_one_the_route_serves(document):
    """``/custom-fields/opportunities`` is its own route (its fields have a product type): ``{module}`` is not it."""
    parameters = document["paths"][PREFIX + "/custom-fields/{module}"]["get"]["parameters"]
    assert next(p for p in parameters if p["name"] == "module")["schema"]["enum"] == ["contacts", "accounts"]


@pytest.mark.parametrize(("path", "documented"), [
    ("/contacts/bulk", {"POST"}), ("/tasks/board", {"GET"}), ("/opportunities/export.xlsx", {"GET"})])
def test_a_literal_path_allows_only_its_documented_methods(client, document, path, documented):
    """``/contacts/bulk`` is not ``/contacts/{contact_id}`` with the id ``bulk``: Allow and 405 say the same."""
    assert {m.upper() for m in document["paths"][PREFIX + path]} == documented
    response = client.open(PREFIX + path, method="OPTIONS")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) - {"OPTIONS", "HEAD"} == documented
    other = "DELETE" if "DELETE" not in documented else "PUT"
    assert client.open(PREFIX + path, method=other).status_code == 405


def test_every_route_documents_the_statuses_any_route_answers(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert {"414", "422", "429", "431", "503", "504"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)


# Bytes a parameter's value takes in a request line at most: a character percent-encoded is up to 12 bytes (a 4-byte
# UTF-8 sequence, %XX each); dates and times are ASCII.
WIDEST_CHARACTER = 12


def _widest_value(schema):
    if "enum" in schema:
        return max(len(str(value)) for value in schema["enum"])
    if schema.get("type") in ("integer", "number"):
        return len(str(schema.get("maximum", 10 ** 20))) + 1
    if schema.get("type") == "boolean":
        return len("false")
    if schema.get("format") in ("date", "date-time"):
        return len("9999-12-31T23:59:59.999999+14:00")
    assert "maxLength" in schema, f"no bound: {schema}"  # a string the document does not bound has no widest value
    return schema["maxLength"] * WIDEST_CHARACTER


def test_the_longest_request_line_the_document_allows_fits_the_servers_limit(document):
    """gunicorn refuses a longer request line (414) before the API reads it: no request the document calls valid
    may be that long (issue 10 §5)."""
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    longest = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
            line = len(f"{method.upper()}  HTTP/1.1") + len(re.sub(r"{\w+}", "", path)) + 1
            for parameter in parameters:
                line += _widest_value(parameter["schema"])
                if parameter["in"] == "query":
                    line += len(parameter["name"]) + 2
            longest = max(longest, line)
    assert 8190 < longest <= settings["limit_request_line"], (longest, settings["limit_request_line"])
    import gunicorn.http.message
    assert gunicorn.http.message.MAX_REQUEST_LINE >= settings["limit_request_line"]  # not lowered back to 8190
