"""The gateway's HTTP contracts and identity's RPC contracts accept the same fields with the same rules.

Both sides are turned into JSON Schema with apispec's converter (what OpenAPI shows) and compared,
ignoring documentation-only keys (description, example).
"""
import pytest
from apispec.ext.marshmallow.openapi import OpenAPIConverter

from carnet_gateway.schemas import identity as http
from carnet_identity import contracts as rpc

DOC_ONLY = {"description", "example", "title"}
PAIRS = [
    (http.OrganizationCreate, rpc.OrganizationCreate),
    (http.AdminCreate, rpc.AdminCreate),
    (http.OrganizationUpdate, rpc.OrganizationUpdate),
    (http.UserCreate, rpc.UserCreate),
    (http.UserUpdate, rpc.UserUpdate),
    (http.RoleWrite, rpc.RoleCreate),
    (http.RoleWrite, rpc.RoleUpdate),
    (http.Permissions, rpc.PermissionsSet),
]


def _converter():
    return OpenAPIConverter("3.1.0", lambda schema: None, None)


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in DOC_ONLY}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def json_schema(schema):
    return _strip(_converter().schema2jsonschema(schema))


@pytest.mark.parametrize("gateway_schema, service_schema", PAIRS,
                         ids=[f"{g.__name__}-{s.__name__}" for g, s in PAIRS])
def test_gateway_and_identity_agree_on_fields_and_rules(gateway_schema, service_schema):
    assert json_schema(gateway_schema) == json_schema(service_schema)


def test_the_comparison_sees_a_difference():
    """Guard against a comparison that cannot fail: a changed bound must show."""
    from marshmallow import fields, validate

    from carnet_common.contracts import Contract

    class Narrower(Contract):
        name = fields.String(required=True, validate=validate.Length(min=1, max=99))

    assert json_schema(http.RoleWrite) != json_schema(Narrower)


def test_gateway_and_identity_share_the_permission_vocabulary():
    from carnet_identity import permissions
    assert http.MODULES == permissions.MODULES
    assert http.MODULE_ACTIONS == permissions.MODULE_ACTIONS
    assert http.FIELD_ACTIONS == permissions.FIELD_ACTIONS
    assert http.SPECIAL == permissions.SPECIAL
    assert http.FIELD_KEY == permissions.FIELD_KEY_PATTERN
