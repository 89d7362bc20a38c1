"""The typed checks of custom field values (C-14) shared by the contacts and opportunities services: pure rules."""
from datetime import date
from decimal import Decimal

import pytest

from carnet_common.errors import Conflict, InvalidInput
from carnet_custom_fields import values as cv


def field(kind, *, hidden=False, choices=None):
    return {"type": kind, "hidden": hidden, "choices": choices}


FIELDS = {
    "note": field("text"), "bio": field("textarea"), "seats": field("number"), "budget": field("decimal"),
    "since": field("date"), "vip": field("boolean"), "size": field("single_choice", choices=["S", "M", "L"]),
    "tags": field("multi_choice", choices=["a", "b", "c"]), "site": field("url"), "mail": field("email"),
    "tel": field("phone"), "body": field("html"), "secret": field("text", hidden=True),
}


def errors_of(values, definitions=FIELDS):
    with pytest.raises(InvalidInput) as info:
        cv.clean_values(definitions, values)
    return info.value.errors


@pytest.mark.parametrize("key, value, expected", [
    ("note", "  Bois franc  ", "Bois franc"),
    ("seats", 12, 12),
    ("budget", "43.980", "43.980"),
    ("budget", 7, "7"),
    ("since", "2025-06-30", "2025-06-30"),
    ("vip", False, False),
    ("size", "M", "M"),
    ("tags", ["b", "a", "b"], ["b", "a"]),
    ("site", "https://example.com/x", "https://example.com/x"),
    ("mail", "marie@example.com", "marie@example.com"),
    ("body", "  <p>x</p>", "  <p>x</p>"),
])
def test_a_value_of_the_right_type_is_kept_normalised(key, value, expected):
    assert cv.clean_values(FIELDS, {key: value}) == {key: expected}


@pytest.mark.parametrize("key, value, code", [
    ("note", 12, "custom_text_expected"),
    ("note", "x" * 501, "custom_too_long"),
    ("seats", True, "custom_integer_expected"),
    ("seats", 1.5, "custom_integer_expected"),
    ("seats", 2 ** 53, "custom_integer_expected"),
    ("budget", "1,5", "custom_decimal_expected"),
    ("budget", "NaN", "custom_decimal_expected"),
    ("since", "2025-02-30", "custom_date_expected"),
    ("since", "30/06/2025", "custom_date_expected"),
    ("vip", "yes", "custom_boolean_expected"),
    ("size", "XL", "custom_choice"),
    ("tags", ["a", "z"], "custom_choice"),
    ("tags", "a", "custom_choices_expected"),
    ("site", "ftp://example.com", "custom_url"),
    ("mail", "not-an-address", "custom_email"),
    ("body", "x" * (cv.MAX_HTML_BYTES + 1), "custom_html_too_large"),
])
def test_a_value_of_the_wrong_type_is_refused_naming_the_field(key, value, code):
    assert errors_of({key: value}) == {f"custom.{key}": [code]}


def test_unknown_and_hidden_fields_are_refused_alike_and_all_errors_come_at_once():
    assert errors_of({"nope": "x", "secret": "y", "seats": "3"}) == {
        "custom.nope": ["unknown_custom_field"], "custom.secret": ["unknown_custom_field"],
        "custom.seats": ["custom_integer_expected"]}


@pytest.mark.parametrize("empty", [None, "", []])
def test_an_empty_value_clears_and_merge_removes_it(empty):
    cleaned = cv.clean_values(FIELDS, {"note": empty, "seats": 4})
    assert cleaned == {"note": None, "seats": 4}
    assert cv.merge({"note": "old", "vip": True}, cleaned) == {"vip": True, "seats": 4}


def test_visible_values_leave_out_hidden_and_deleted_fields():
    stored = {"note": "x", "secret": "s", "gone": 1}
    assert cv.visible_values(FIELDS, stored) == {"note": "x"}
    assert cv.visible_values(FIELDS, None) == {}


def test_a_definition_update_keeps_choices_to_choice_fields_and_height_to_textareas():
    cv.check_update("single_choice", {"choices": ["x"]})
    cv.check_update("textarea", {"height": 5})
    cv.check_update("text", {"height": None, "label_en": "Note"})
    with pytest.raises(Conflict) as info:  # the stored type refuses a valid body: 409 (issue 10 §5)
        cv.check_update("text", {"choices": ["x"]})
    assert info.value.errors == {"choices": ["custom_field_no_choices"]}
    with pytest.raises(Conflict) as info:
        cv.check_update("number", {"height": 3})
    assert info.value.errors == {"height": ["custom_field_height_textarea"]}


def test_a_module_holds_at_most_70_fields():
    cv.check_room(69)
    with pytest.raises(Conflict) as info:  # the module is full: 409 (issue 10 §5)
        cv.check_room(70)
    assert info.value.code == "custom_fields_limit" and info.value.params == {"max": 70}
    with pytest.raises(Conflict):
        cv.check_room(65, maximum=65)


@pytest.mark.parametrize("kind, value, expected", [
    ("decimal", "43.98", Decimal("43.98")),
    ("date", "2025-06-30", date(2025, 6, 30)),
    ("number", 3, 3),
    ("boolean", True, True),
    ("multi_choice", ["a", "b"], "a, b"),
    ("text", "=1+1", "=1+1"),
    ("text", None, None),
])
def test_spreadsheet_values_keep_their_kind_never_a_float(kind, value, expected):
    result = cv.spreadsheet_value(kind, value)
    assert result == expected and type(result) is type(expected)
