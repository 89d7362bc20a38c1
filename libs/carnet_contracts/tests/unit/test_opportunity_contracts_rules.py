"""Opportunities, product lines and stages (O-2, O-3, O-5): the gateway and the service refuse the same bodies
(they load one declaration); the service's form computes with Decimal and date."""
from datetime import date
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from carnet_contracts import opportunities

GOOD = {"title": "X", "account_id": "a", "stage_id": "s", "close_date": "2025-06-30",
        "lines": [{"quantity": "1.5", "unit_price": "43.98", "shipping": "0", "discount": "1.00"}]}
BOTH_SIDES = [opportunities.OpportunityCreate, opportunities.ParsedOpportunityCreate]


@pytest.mark.parametrize("contract", BOTH_SIDES)
@pytest.mark.parametrize("change, field", [
    ({"lines": [{"quantity": "1", "unit_price": "1.001"}]}, "lines"),
    ({"lines": [{"quantity": "-1", "unit_price": "1"}]}, "lines"),
    ({"lines": [{"quantity": "1", "unit_price": 1.5}]}, "lines"),
    ({"lines": [{"quantity": "1", "unit_price": "1", "discount": "3"}]}, "lines"),
    ({"lines": [{"quantity": "0.00001", "unit_price": "1"}]}, "lines"),
    ({"lines": [{"unit_price": "1"}]}, "lines"),
    ({"lines": [{"quantity": "1", "unit_price": "1"}] * 501}, "lines"),
    ({"close_date": "2025-02-30"}, "close_date"),
    ({"close_date": "30/06/2025"}, "close_date"),
    ({"source": "acomba"}, "source"),
    ({"title": ""}, "title"),
])
def test_a_bad_opportunity_is_refused_the_same_way_on_both_sides(contract, change, field):
    contract().load(GOOD)
    with pytest.raises(ValidationError) as refused:
        contract().load({**GOOD, **change})
    assert field in refused.value.messages


@pytest.mark.parametrize("contract", BOTH_SIDES)
def test_a_total_that_would_not_fit_its_column_is_refused_naming_the_line_or_the_lines(contract):
    """numeric(16, 2): each amount is below 10^12, their product and their sum are checked (a 502 before: the
    insert overflowed; issue 10 §5)."""
    big = {"quantity": "299157260021", "unit_price": "7381477"}
    with pytest.raises(ValidationError) as refused:
        contract().load({**GOOD, "lines": [big]})
    assert refused.value.messages == {"lines": {0: {"quantity": ["line_total_too_large"]}}}
    line = {"quantity": "1", "unit_price": "999999999999", "shipping": "999999999999"}  # each below 10^14
    contract().load({**GOOD, "lines": [line] * 49})
    with pytest.raises(ValidationError) as refused:
        contract().load({**GOOD, "lines": [line] * 51})
    assert refused.value.messages == {"lines": ["opportunity_total_too_large"]}


@pytest.mark.parametrize("contract", BOTH_SIDES)
@pytest.mark.parametrize("custom", [{"k" * 64: 1}, {str(i): i for i in range(71)}, ["not", "a", "dict"]])
def test_custom_values_are_a_map_of_at_most_70_short_keys(contract, custom):
    assert contract().load({**GOOD, "custom": {"secteur": "Bois", "budget": None}})["custom"] == \
        {"secteur": "Bois", "budget": None}
    with pytest.raises(ValidationError) as refused:
        contract().load({**GOOD, "custom": custom})
    assert "custom" in refused.value.messages


def test_a_line_total_is_never_negative_once_rounded_to_the_cent_as_stored():
    with pytest.raises(ValidationError) as refused:
        opportunities.LineIn().load({"quantity": "1", "unit_price": "1", "discount": "1.01"})
    assert refused.value.messages == {"discount": ["line_total_negative"]}
    # 0.9999 × 0.01 − 0.01 = −0.000001, stored as 0.00
    assert opportunities.LineIn().load({"quantity": "0.9999", "unit_price": "0.01", "discount": "0.01"})


def test_the_gateway_forwards_the_text_and_the_service_computes_with_decimals_and_dates():
    assert opportunities.OpportunityCreate().load(GOOD) == GOOD
    loaded = opportunities.ParsedOpportunityCreate().load({**GOOD, "lines": [{"quantity": 2, "unit_price": "21.99"}]})
    assert loaded["close_date"] == date(2025, 6, 30)
    assert loaded["lines"] == [{"quantity": Decimal("2"), "unit_price": Decimal("21.99"), "shipping": Decimal("0"),
                                "discount": Decimal("0")}]
    assert opportunities.ParsedOpportunityUpdate().load({"close_date": None}, partial=True) == {"close_date": None}


def test_an_export_takes_the_filters_without_paging():
    query = {"account_id": "a", "contact_id": "c", "stage": "s", "q": "bois"}
    assert opportunities.ExportQuery().load(query) == query
    with pytest.raises(ValidationError) as refused:
        opportunities.ExportQuery().load({"per_page": "10"})
    assert refused.value.messages == {"per_page": ["Unknown field."]}


@pytest.mark.parametrize("body, field", [({"probability": 10}, "probability"), ({"color": "#000"}, "color"),
                                         ({}, "label_en")])
def test_a_stage_change_is_labels_only(body, field):
    with pytest.raises(ValidationError) as refused:
        opportunities.StageUpdate().load(body)
    assert field in refused.value.messages
    assert opportunities.StageUpdate().load({"label_fr": "Devis"}) == {"label_fr": "Devis"}
