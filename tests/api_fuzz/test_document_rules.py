"""The OpenAPI document states issue 12's rules as the server applies them (issue 10 §5): each case here was a
disagreement the conformance run found (test_conformance.py), checked without a system, against the contracts and
the pure rules the server runs (docs/rules/http-api.md).

- DOC-4: a document's name (``PATCH /documents/{id}``, the upload's ``name`` part) is valid in the document exactly
  when ``refused_extension`` takes it once trimmed (gateway/carnet_gateway/schemas/documents.py ``NAME_PATTERN``);
- C-19: an import maps a column at least, and in update mode names its key (``schemas/imports.py``);
- C-6: an enrichment applies at least one field, and only the custom fields enrichment fills;
- C-20: a merge's choices are sources a field can take;
- the download announces the type of its extension: the document lists every one.
"""
import jsonschema
import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from carnet_contacts.merges.fields import sources_for
from carnet_contracts.documents import ACCEPTED, refused_extension
from carnet_contracts.enrichment import CUSTOM_KEYS
from carnet_contracts.imports import ImportOptions
from carnet_gateway import app as _routes  # noqa: F401  importing it declares every operation on ``api``
from carnet_gateway.api import PREFIX, api
from carnet_gateway.openapi import build_spec
from carnet_gateway.schemas.documents import DocumentUpdate


@pytest.fixture(scope="module")
def document():
    return build_spec(api)


def _validators(document, schema):
    root = {**schema, "components": document["components"]}
    return (jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker()).is_valid,
            jsonschema_rs.validator_for(root).is_valid)


def _component(document, name):
    return _validators(document, {"$ref": f"#/components/schemas/{name}"})


def _agree(validators, value, expected):
    assert [valid(value) for valid in validators] == [expected, expected], value


def _name_taken(name):
    try:
        loaded = DocumentUpdate().load({"name": name})
    except ValidationError:
        return False
    return refused_extension(loaded["name"]) is None


PIECES = ["a", "Rapport", ".", "..", " ", "\t", "\u3000", "/", "\\", "pdf", "PDF", "Pdf", "txt", "exe", "EXE", "sh",
          "js", "jpeg", "\u212ao", "mkv", "m\u212av", "tar", "gz", "\u00e9", "x", "docx", "appref-ms", "ps1", "\n"]
NAMES = ["a.pdf", " a.pdf ", "a.PDF", ".pdf", "..pdf", "a..pdf", ".a.pdf", "a.exe.pdf", "a. exe .pdf", "a.pdf.",
         "a", "a.", "dir.exe/a.pdf", "a.pdf/b", "a\\b.txt", "a/.pdf", "a/ .pdf", " .pdf", "a.ko", "a.\u212ao",
         "a.m\u212av", "a.tar.gz", "x.appref-ms.txt", "\u3000r\u00e9sum\u00e9.docx\u3000", "a\nb.pdf", "a.pdf\n"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_valid_in_the_document_as_on_the_server(document, name):
    _agree(_component(document, "DocumentUpdate"), {"name": name}, _name_taken(name))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join))
def test_any_name_is_valid_in_the_document_as_on_the_server(document, name):
    _agree(_component(document, "DocumentUpdate"), {"name": name}, _name_taken(name))


def test_the_upload_names_its_document_by_the_same_rule_and_an_empty_part_is_absent(document):
    body = document["paths"][f"{PREFIX}/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    validators = _validators(document, body["schema"]["properties"]["name"])
    for name in NAMES:
        _agree(validators, name, _name_taken(name))
    _agree(validators, "", True)


@pytest.mark.parametrize(("mapping", "taken"), [
    ({"A": None}, False), ({"A": "", "B": None}, False), ({"A": None, "B": "email"}, True)])
def test_an_import_maps_at_least_one_column(document, mapping, taken):
    """carnet_contacts/imports/usecases.py ``_mapping``: nothing mapped is a 422 (``import_nothing_mapped``)."""
    _agree(_component(document, "ImportOptions"), {"mapping": mapping, "list_ids": ["l"]}, taken)


@pytest.mark.parametrize("options", [
    {"mode": "update"}, {"mode": "update", "key": None}, {"mode": "update", "key": ""},
    {"mode": "update", "key": "name"}, {"mode": "update", "key": "email"}, {"mode": "update", "key": "id"},
    {"mode": "update", "key": "custom.number"}, {"mode": "create", "key": "name"}, {"key": "anything"}, {},
])
def test_an_import_in_update_mode_names_its_key(document, options):
    body = {"mapping": {"A": "email"}, "list_ids": ["l"], **options}
    try:
        ImportOptions().load(body)
        taken = True
    except ValidationError:
        taken = False
    _agree(_component(document, "ImportOptions"), body, taken)


@pytest.mark.parametrize(("chosen", "taken"), [
    ({}, False), ({"custom": {}}, False), ({"custom": {"secteur": "Bois"}}, False),
    ({"city": "Montréal"}, True), ({"custom": {"industry": "Bois"}}, True),
    ({"title": "CEO", "custom": {}}, True), ({"phone": None}, True),
])
def test_an_enrichment_applies_a_field_and_only_the_custom_fields_it_fills(document, chosen, taken):
    """carnet_contacts/enrichment/usecases.py ``apply``: nothing chosen, or a key out of CUSTOM_KEYS, is a 422."""
    assert taken == (bool(chosen) and chosen != {"custom": {}}
                     and set((chosen.get("custom") or {})) <= set(CUSTOM_KEYS))
    _agree(_component(document, "EnrichmentApply"), {"version": 1, "fields": chosen}, taken)


def test_a_merge_choice_is_a_source_some_field_can_take(document):
    every = {source for kind in ("contact", "account") for field in ("title", "phone", "mobile", "other_phone")
             for source in sources_for(kind, field)}
    choices = document["components"]["schemas"]["MergeCreate"]["properties"]["choices"]
    assert set(choices["additionalProperties"]["enum"]) == every


def test_the_download_lists_every_type_it_announces(document):
    answer = document["paths"][f"{PREFIX}/documents/{{document_id}}/content"]["get"]["responses"]["200"]
    assert set(answer["content"]) == set(ACCEPTED.values())
