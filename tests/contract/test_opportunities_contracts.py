"""The gateway's HTTP contracts and the opportunities service's RPC contracts for stages, opportunities and
product lines (O-2, O-3, O-5) accept the same fields, require the same ones, and refuse the same bodies."""
import pytest
from marshmallow import ValidationError

from carnet_gateway.schemas import opportunities as http
from carnet_opportunities.opportunities import contracts as rpc

PAIRS = [
    (http.OpportunityCreate, rpc.OpportunityCreate),
    (http.OpportunityUpdate, rpc.OpportunityUpdate),
    (http.OpportunityQuery, rpc.OpportunityQuery),
    (http.LineIn, rpc.LineIn),
    (http.StageUpdate, rpc.StageUpdate),
    (http.SubstageCreate, rpc.SubstageCreate),
    (http.SubstageUpdate, rpc.SubstageUpdate),
]


def _shape(schema):
    fields = schema._declared_fields
    return {name: (field.required, field.allow_none) for name, field in fields.items()}


@pytest.mark.parametrize("gateway_schema, service_schema", PAIRS,
                         ids=[f"{g.__name__}-{s.__name__}" for g, s in PAIRS])
def test_same_fields_and_required_ones(gateway_schema, service_schema):
    assert _shape(gateway_schema) == _shape(service_schema)


GOOD = {"title": "X", "account_id": "a", "stage_id": "s", "close_date": "2025-06-30",
        "lines": [{"quantity": "1.5", "unit_price": "43.98", "shipping": "0", "discount": "1.00"}]}


@pytest.mark.parametrize("change, field", [
    ({"lines": [{"quantity": "1", "unit_price": "1.001"}]}, "lines"),
    ({"lines": [{"quantity": "-1", "unit_price": "1"}]}, "lines"),
    ({"lines": [{"quantity": "1", "unit_price": 1.5}]}, "lines"),
    ({"lines": [{"quantity": "1", "unit_price": "1", "discount": "3"}]}, "lines"),
    ({"lines": [{"quantity": "0.00001", "unit_price": "1"}]}, "lines"),
    ({"close_date": "2025-02-30"}, "close_date"),
    ({"close_date": "30/06/2025"}, "close_date"),
    ({"source": "acomba"}, "source"),
    ({"title": ""}, "title"),
])
def test_both_sides_refuse_the_same_bodies(change, field):
    for schema in (http.OpportunityCreate(), rpc.OpportunityCreate()):
        schema.load(GOOD)
        with pytest.raises(ValidationError) as info:
            schema.load({**GOOD, **change})
        assert field in info.value.messages


@pytest.mark.parametrize("custom", [{"k" * 64: 1}, {str(i): i for i in range(71)}, ["not", "a", "dict"]])
def test_both_sides_refuse_malformed_custom_values(custom):
    """C-14: custom values are a map of at most 70 keys of 63 characters at most; their types are checked by the
    service against the organization's fields."""
    for schema in (http.OpportunityCreate(), rpc.OpportunityCreate()):
        assert schema.load({**GOOD, "custom": {"secteur": "Bois", "budget": None}})["custom"] == \
            {"secteur": "Bois", "budget": None}
        with pytest.raises(ValidationError) as info:
            schema.load({**GOOD, "custom": custom})
        assert "custom" in info.value.messages


@pytest.mark.parametrize("body", [{"probability": 10}, {"color": "#000"}, {}])
def test_both_sides_refuse_a_stage_change_other_than_labels(body):
    for schema in (http.StageUpdate(), rpc.StageUpdate()):
        with pytest.raises(ValidationError):
            schema.load(body)
