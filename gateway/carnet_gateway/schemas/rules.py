"""Rules across fields that the contracts' ``@validates_schema`` methods enforce, in JSON Schema words, merged into
their components of the OpenAPI document (``openapi.build_spec``), so that a request the document calls valid is
one the server takes (issue 10 §5; checked by tests/api_fuzz and gateway/tests/unit/test_openapi_conformance.py).

Keyed by contract class; a subclass inherits its parent's rules, as it inherits its validators. A rule the server
enforces that JSON Schema cannot state (one that depends on stored records, or on sums of several fields) is named
in the field's description instead.
"""
from carnet_contracts.customization import CHOICE_TYPES, CustomFieldCreate
from carnet_contracts.identity import UserUpdate
from carnet_contracts.lifecycle import AccountBulkAction, BulkAction
from carnet_contracts.lists import ListCreate
from carnet_contracts.opportunities import StageUpdate
from carnet_contracts.records import _NamedContact


def _all_true(*names):
    return {"required": list(names), "properties": {name: {"const": True} for name in names}}


def _when(property_name, values, then):
    return {"if": {"required": [property_name], "properties": {property_name: {"enum": list(values)}}},
            "then": then}


def _bulk(contract):
    """_Bulk._selection_and_lists: ids, or q and/or criteria; the lists each action moves between."""
    return {"allOf": [
        {"oneOf": [{"required": ["ids"]}, {"anyOf": [{"required": ["q"]}, {"required": ["criteria"]}]}]},
        *(_when("action", actions, {"required": [field]}) for field, actions in contract.LISTS_NEEDED.items())]}


RULES = {
    # _private_is_not_shared
    ListCreate: {"not": _all_true("private", "access_all_users")},
    # _options_fit_the_type: choices exactly on choice fields, a height only on multi-line text
    CustomFieldCreate: {"allOf": [
        {"if": {"required": ["type"], "properties": {"type": {"enum": list(CHOICE_TYPES)}}},
         "then": {"required": ["choices"]}, "else": {"not": {"required": ["choices"]}}},
        {"if": {"required": ["type"], "properties": {"type": {"const": "textarea"}}},
         "else": {"properties": {"height": {"type": "null"}}}},
    ]},
    BulkAction: _bulk(BulkAction),
    AccountBulkAction: _bulk(AccountBulkAction),
    # _has_a_name: a new contact has a first name, a last name or an email (null or blank is none)
    _NamedContact: {"anyOf": [
        {"required": ["first_name"], "properties": {"first_name": {"type": "string"}}},
        {"required": ["last_name"], "properties": {"last_name": {"type": "string"}}},
        {"required": ["email"], "properties": {"email": {"type": "string", "minLength": 1}}},
    ]},
    # _labels_only: a label at least (probability and colour are refused fields)
    StageUpdate: {"minProperties": 1},
    # identity's update_user: a credential changes with the caller's current password (S-10)
    UserUpdate: {"dependentRequired": {name: ["current_password"] for name in ("username", "email", "password")}},
}


def rules_of(schema_class):
    """The rules of ``schema_class`` and of the contracts it derives from, most derived first."""
    return [RULES[cls] for cls in schema_class.__mro__ if cls in RULES]


def apply(components, refs):
    """Merge the rules into the component schemas ``refs`` (apispec's schema key -> component name) names."""
    for key, name in refs.items():
        found = rules_of(key[0])
        if not found or name not in components:
            continue
        target = components[name]
        for rule in found:
            for keyword, value in rule.items():
                if keyword == "allOf":
                    target.setdefault("allOf", []).extend(value)
                elif keyword in target:
                    target.setdefault("allOf", []).append({keyword: value})
                else:
                    target[keyword] = value
