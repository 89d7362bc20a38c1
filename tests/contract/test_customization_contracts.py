"""The gateway's HTTP contracts and the contacts service's RPC contracts for custom fields, saved filters
and layouts accept the same fields (C-12, C-14, C-15); so do the gateway's and the opportunities service's for
the custom fields of opportunities, which it owns."""
import pytest
from test_identity_contracts import json_schema

from carnet_contacts.customization import contracts as rpc
from carnet_custom_fields import values as custom_values
from carnet_gateway.schemas import customization as http
from carnet_opportunities.opportunities import contracts as opportunities_rpc

PAIRS = [
    (http.CustomFieldCreate, rpc.CustomFieldCreate),
    (http.CustomFieldUpdate, rpc.CustomFieldUpdate),
    (http.FilterCreate, rpc.FilterCreate),
    (http.FilterUpdate, rpc.FilterUpdate),
    (http.LayoutPut, rpc.LayoutPut),
    (http.OpportunityCustomFieldCreate, opportunities_rpc.CustomFieldCreate),
    (http.OpportunityCustomFieldUpdate, opportunities_rpc.CustomFieldUpdate),
]


@pytest.mark.parametrize("gateway_schema, service_schema", PAIRS,
                         ids=[f"{g.__name__}-{s.__name__}" for g, s in PAIRS])
def test_gateway_and_contacts_agree_on_customization_fields(gateway_schema, service_schema):
    assert json_schema(gateway_schema) == json_schema(service_schema)


def test_custom_field_types_are_the_same_on_both_sides():
    assert http.CUSTOM_FIELD_TYPES == rpc.CUSTOM_FIELD_TYPES == custom_values.TYPES


def test_only_opportunity_fields_have_a_product_type():
    """C-14: opportunity fields may be tied to a product type; contacts and accounts fields may not."""
    assert "product_type" in json_schema(http.OpportunityCustomFieldCreate)["properties"]
    assert "product_type" not in json_schema(http.CustomFieldCreate)["properties"]
    assert json_schema(http.OpportunityCustomFieldCreate) != json_schema(rpc.CustomFieldCreate)
