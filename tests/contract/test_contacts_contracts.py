"""The gateway's HTTP contracts and the contacts service's RPC contracts accept the same fields."""
import pytest
from test_identity_contracts import json_schema

from carnet_contacts.lists import contracts as lists_rpc
from carnet_contacts.records import contracts as rpc
from carnet_gateway.schemas import contacts as http

PAIRS = [
    (http.ContactCreate, rpc.ContactCreate),
    (http.ContactUpdate, rpc.ContactUpdate),
    (http.AccountContactCreate, rpc.AccountContactCreate),
    (http.AccountCreate, rpc.AccountCreate),
    (http.AccountUpdate, rpc.AccountUpdate),
    (http.ListCreate, lists_rpc.ListCreate),
    (http.ListUpdate, lists_rpc.ListUpdate),
    (http.ListIdsBody, rpc.ListIds),
    (http.SelectedListsBody, lists_rpc.SelectedLists),
    (http.GrantsBody, lists_rpc.Grants),
    (http.RecordQuery, rpc.SearchQuery),
]


@pytest.mark.parametrize("gateway_schema, service_schema", PAIRS,
                         ids=[f"{g.__name__}-{s.__name__}" for g, s in PAIRS])
def test_gateway_and_contacts_agree_on_fields_and_rules(gateway_schema, service_schema):
    assert json_schema(gateway_schema) == json_schema(service_schema)
