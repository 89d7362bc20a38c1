"""The gateway's HTTP contracts and the contacts service's RPC contracts for deletes, the trash, relations,
moves and bulk actions (C-5, C-7, C-9, C-10) accept the same fields with the same rules."""
import pytest
from marshmallow import ValidationError
from test_identity_contracts import json_schema

from carnet_contacts.lifecycle import contracts as rpc
from carnet_gateway.schemas import lifecycle as http

PAIRS = [
    (http.RelationCreate, rpc.RelationCreate),
    (http.ContactMove, rpc.ContactMove),
    (http.DeleteContactQuery, rpc.DeleteOptions),
    (http.DeleteAccountQuery, rpc.DeleteAccountOptions),
    (http.TrashQuery, rpc.TrashQuery),
    (http.BulkAction, rpc.BulkAction),
]


@pytest.mark.parametrize("gateway_schema, service_schema", PAIRS,
                         ids=[f"{g.__name__}-{s.__name__}" for g, s in PAIRS])
def test_gateway_and_contacts_agree_on_lifecycle_fields(gateway_schema, service_schema):
    assert json_schema(gateway_schema) == json_schema(service_schema)


@pytest.mark.parametrize("body, field", [
    ({"action": "delete"}, "ids"),
    ({"action": "delete", "ids": ["a"], "q": "x"}, "ids"),
    ({"action": "copy_to_list", "q": "x"}, "list_id"),
    ({"action": "move_to_list", "q": "x", "list_id": "l"}, "from_list_id"),
])
def test_both_sides_refuse_the_same_bulk_bodies(body, field):
    """validates_schema rules do not show in JSON Schema: compare them on bodies."""
    for schema in (http.BulkAction(), rpc.BulkAction()):
        with pytest.raises(ValidationError) as info:
            schema.load(body)
        assert field in info.value.messages


def test_bulk_limit_is_the_same_on_both_sides():
    assert http.BULK_MAX == rpc.MAX_RECORDS
    assert http.BULK_ACTIONS == rpc.BULK_ACTIONS
