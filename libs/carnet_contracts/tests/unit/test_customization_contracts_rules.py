"""Custom field definitions (C-14, O-2), saved filters and layouts: the rules beyond the fields' declarations."""
import pytest
from marshmallow import ValidationError

from carnet_contracts import customization


def messages(schema, body):
    with pytest.raises(ValidationError) as refused:
        schema.load(body)
    return refused.value.messages


FIELD = {"key": "secteur", "type": "text", "label_fr": "Secteur", "label_en": "Industry"}


@pytest.mark.parametrize("body, error", [
    ({**FIELD, "type": "single_choice"}, {"choices": ["custom_field_choices_required"]}),
    ({**FIELD, "type": "multi_choice", "choices": []}, {"choices": ["Length must be between 1 and 200."]}),
    ({**FIELD, "choices": ["a"]}, {"choices": ["custom_field_no_choices"]}),
    ({**FIELD, "height": 3}, {"height": ["custom_field_height_textarea"]}),
    ({**FIELD, "key": "Secteur"}, {"key": ["custom_field_key"]}),
    ({**FIELD, "key": "s" * 64}, {"key": ["custom_field_key"]}),
    ({**FIELD, "type": "money"}, {"type": ["Must be one of: " + ", ".join(customization.CUSTOM_FIELD_TYPES) + "."]}),
])
def test_a_definition_has_the_options_of_its_type(body, error):
    assert messages(customization.CustomFieldCreate(), body) == error


@pytest.mark.parametrize("body", [
    FIELD, {**FIELD, "type": "single_choice", "choices": ["Bois", "Métal"]}, {**FIELD, "type": "textarea", "height": 5},
    {**FIELD, "type": "textarea", "height": None}])
def test_a_definition_fitting_its_type_loads(body):
    assert customization.CustomFieldCreate().load(body)["key"] == "secteur"


def test_only_opportunity_fields_have_a_product_type():
    body = {**FIELD, "product_type": "Bois franc"}
    assert customization.OpportunityCustomFieldCreate().load(body)["product_type"] == "Bois franc"
    assert customization.OpportunityCustomFieldUpdate().load({"product_type": None}) == {"product_type": None}
    assert messages(customization.CustomFieldCreate(), body) == {"product_type": ["Unknown field."]}


def test_a_layout_has_1_to_60_columns_of_1_to_5_fields():
    assert customization.LayoutPut().load({"columns": [["last_name", "first_name"], ["custom.secteur"]]})
    for columns in ([], [[]], [["a"] * 6], [["a"]] * 61):
        assert set(messages(customization.LayoutPut(), {"columns": columns})) == {"columns"}


def test_a_new_filter_has_a_name_and_criteria():
    assert set(messages(customization.FilterCreate(), {})) == {"name", "criteria"}
    assert customization.FilterUpdate().load({"name": "Montréal"}) == {"name": "Montréal"}
