"""The gateway's HTTP contracts and the contacts service's RPC contracts for custom fields, saved filters
and layouts accept the same fields (C-12, C-14, C-15)."""
import pytest
from test_identity_contracts import json_schema

from carnet_contacts import contracts as rpc
from carnet_gateway.schemas import customization as http

PAIRS = [
    (http.CustomFieldCreate, rpc.CustomFieldCreate),
    (http.CustomFieldUpdate, rpc.CustomFieldUpdate),
    (http.FilterCreate, rpc.FilterCreate),
    (http.FilterUpdate, rpc.FilterUpdate),
    (http.LayoutPut, rpc.LayoutPut),
]


@pytest.mark.parametrize("gateway_schema, service_schema", PAIRS,
                         ids=[f"{g.__name__}-{s.__name__}" for g, s in PAIRS])
def test_gateway_and_contacts_agree_on_customization_fields(gateway_schema, service_schema):
    assert json_schema(gateway_schema) == json_schema(service_schema)


def test_custom_field_types_are_the_same_on_both_sides():
    assert http.CUSTOM_FIELD_TYPES == rpc.CUSTOM_FIELD_TYPES
