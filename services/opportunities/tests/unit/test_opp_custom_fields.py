"""Rules of opportunity custom field values tied to a product type (C-14): pure functions, no database."""
import io

import openpyxl
import pytest

from carnet_common.errors import InvalidInput
from carnet_opportunities.opportunities import custom_fields, export_xlsx


def field(kind="text", *, product_type=None, hidden=False):
    return {"type": kind, "hidden": hidden, "choices": None, "product_type": product_type}


FIELDS = {"essence": field(product_type="Bois franc"), "note": field(), "secret": field(hidden=True)}


def test_product_types_compare_trimmed_and_case_insensitively():
    groups = custom_fields.product_groups([{"product_group": "  bois   FRANC "}, {"product_group": None}, {}])
    assert groups == {"bois franc"}
    assert custom_fields.applies(FIELDS["essence"], groups)
    assert not custom_fields.applies(FIELDS["essence"], {"quincaillerie"})
    assert custom_fields.applies(FIELDS["note"], set())


def test_a_tied_value_needs_a_line_of_its_type_but_clearing_it_does_not():
    with pytest.raises(InvalidInput) as info:
        custom_fields.clean(FIELDS, {"essence": "Érable", "note": "x"}, groups={"quincaillerie"})
    assert info.value.errors == {"custom.essence": ["custom_field_product_type"]}
    assert custom_fields.clean(FIELDS, {"essence": None}, groups=set()) == {"essence": None}
    assert custom_fields.clean(FIELDS, {"essence": "Érable"}, groups={"bois franc"}) == {"essence": "Érable"}


def test_type_and_product_type_errors_come_at_once_a_type_error_first():
    with pytest.raises(InvalidInput) as info:
        custom_fields.clean({**FIELDS, "autre": field(product_type="Métal")},
                            {"essence": 3, "secret": "s", "autre": "x", "note": "ok"}, groups=set())
    assert info.value.errors == {"custom.essence": ["custom_text_expected"], "custom.secret": ["unknown_custom_field"],
                                 "custom.autre": ["custom_field_product_type"]}


def test_shown_values_leave_out_hidden_deleted_and_inapplicable_fields():
    stored = {"essence": "Érable", "note": "x", "secret": "s", "gone": 1}
    assert custom_fields.shown(FIELDS, stored, groups=set()) == {"note": "x"}
    assert custom_fields.shown(FIELDS, stored, groups={"bois franc"}) == {"essence": "Érable", "note": "x"}


def test_export_adds_a_column_per_given_field_in_the_callers_language_without_formulas():
    columns = [{"key": "budget", "type": "decimal", "label_fr": "Budget (fr)", "label_en": "Budget"},
               {"key": "note", "type": "text", "label_fr": "Note (fr)", "label_en": "Note"}]
    content = io.BytesIO()
    export_xlsx.write(content, language="fr", custom_fields=columns, batches=[[
        {"id": "1", "title": "T", "custom": {"budget": "10.50", "note": "@SUM(A1)"}},
        {"id": "2", "title": "U", "custom": {}}]])
    rows = list(openpyxl.load_workbook(content).active.iter_rows())
    assert [c.value for c in rows[0][-2:]] == ["Budget (fr)", "Note (fr)"]
    assert rows[1][-2].value == 10.5 and rows[1][-2].data_type == "n"
    assert rows[1][-1].value == "@SUM(A1)" and rows[1][-1].data_type == "s"
    assert [c.value for c in rows[2][-2:]] == [None, None]
    assert not any(cell.data_type == "f" for row in rows for cell in row)
