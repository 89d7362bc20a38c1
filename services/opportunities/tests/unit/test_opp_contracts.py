"""The opportunities contracts: stages refuse probability and colour, lines refuse bad amounts, the actor
carries the selected lists."""
import pytest
from marshmallow import ValidationError

from carnet_common.contracts import load_or_raise
from carnet_opportunities.opportunities import contracts


def test_a_stage_takes_labels_only():
    assert contracts.StageUpdate().load({"label_fr": "Devis"}) == {"label_fr": "Devis"}
    for body, field in (({"probability": 50}, "probability"), ({"color": "#fff"}, "color"), ({}, "label_en")):
        with pytest.raises(ValidationError) as info:
            contracts.StageUpdate().load(body)
        assert field in info.value.messages


def test_lines_load_as_decimals_and_refuse_a_negative_total():
    line = contracts.LineIn().load({"quantity": "2", "unit_price": "21.99"})
    assert str(line["quantity"]) == "2" and str(line["shipping"]) == "0"
    with pytest.raises(ValidationError) as info:
        contracts.LineIn().load({"quantity": "1", "unit_price": "1", "discount": "2"})
    assert info.value.messages == {"discount": ["line_total_negative"]}
    with pytest.raises(ValidationError) as info:
        contracts.OpportunityCreate().load({"title": "X", "account_id": "a", "stage_id": "s",
                                            "lines": [{"quantity": "1", "unit_price": "0.001"}]})
    assert info.value.messages == {"lines": {0: {"unit_price": ["money_places"]}}}


def test_create_needs_title_account_and_stage_and_a_real_date():
    with pytest.raises(ValidationError) as info:
        contracts.OpportunityCreate().load({"close_date": "2025-13-01"})
    assert set(info.value.messages) == {"title", "account_id", "stage_id", "close_date"}
    with pytest.raises(ValidationError):
        contracts.OpportunityCreate().load({"title": "X", "account_id": "a", "stage_id": "s", "source": "acomba"})


def test_actor_defaults():
    actor = load_or_raise(contracts.Actor(), {"org_id": "o", "user_id": "u", "is_admin": False})
    assert actor["list_ids"] == [] and actor["language"] == "en" and actor["flags"]["own_records_only"] is False
