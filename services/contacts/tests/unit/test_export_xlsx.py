"""C-18 without I/O: the columns an export has, and the formula guard checked by reopening the file.

Rows are given as the export reads them (``exports.repository.stream_rows``: one value per column, a custom field's
value as stored). The writers store a carriage return as OOXML's ``_x000D_``, which spreadsheets decode and openpyxl
does not: text is compared as a spreadsheet shows it (``shown``).
"""
from datetime import datetime, timezone

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from carnet_common import xlsx
from carnet_contacts.exports.export_xlsx import cells, columns_for, sheet_columns

DANGEROUS = ["=1+2", "+1 514 555 0000", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", "=HYPERLINK(\"http://x\")"]


def _write(tmp_path, columns, rows, language="en", progress=None, batch=5_000):
    path = tmp_path / "out.xlsx"
    read = [[row.get(col.key) if not col.custom_type else (row.get("custom") or {}).get(col.key[len("custom."):])
             for col in columns] for row in rows]
    batches = [read[i:i + batch] for i in range(0, len(read), batch)] or [[]]
    xlsx.write_sheet(path, title="Contacts", columns=sheet_columns(columns, language), batches=cells(columns, batches),
                     progress=progress)
    return openpyxl.load_workbook(path).active


def shown(cell):
    return unescape(cell.value)


def test_defusedxml_is_active():
    assert openpyxl.DEFUSEDXML and openpyxl.LXML


def test_contact_columns_start_with_id_then_fields_custom_then_account():
    columns = columns_for("contact", fields=["first_name", "last_name", "email"], account_fields=["name", "city"],
                          custom_definitions=[{"key": "size", "type": "number", "label_en": "Size",
                                               "label_fr": "Taille"}])
    keys = [c.key for c in columns]
    assert keys == ["id", "first_name", "last_name", "email", "created_at", "updated_at", "custom.size",
                    "account_id", "account_name", "account_city"]


def test_unreadable_fields_have_no_column():
    keys = [c.key for c in columns_for("contact", fields=["last_name"], account_fields=[])]
    assert "email" not in keys and "rep1_name" not in keys and "account_name" not in keys
    assert keys[0] == "id" and "account_id" in keys


def test_headers_follow_the_language(tmp_path):
    columns = columns_for("account", fields=["name", "city"])
    sheet = _write(tmp_path, columns, [], language="fr")
    assert [c.value for c in next(sheet.iter_rows())] == ["ID", "Nom", "Ville", "Créé (America/Toronto)",
                                                          "Modifié (America/Toronto)"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_values_are_text_showing_the_original(tmp_path, value):
    columns = columns_for("contact", fields=["last_name"], account_fields=["name"],
                          custom_definitions=[{"key": "note", "type": "text", "label_en": "Note", "label_fr": "Note"}])
    row = {"id": "c1", "last_name": value, "custom": {"note": value}, "account_id": "a1", "account_name": value}
    sheet = _write(tmp_path, columns, [row])
    by_key = dict(zip([c.key for c in columns], list(sheet.iter_rows())[1], strict=True))
    for key in ("last_name", "custom.note", "account_name"):
        cell = by_key[key]
        assert cell.data_type == "s" and shown(cell) == value and cell.quotePrefix, (key, cell.data_type)
    assert value.startswith(xlsx.FORMULA_PREFIXES)


def test_no_cell_is_ever_a_formula_plain_text_shows_as_written_and_typed_cells_are_unmarked(tmp_path):
    """rustpy-xlsxwriter formats columns, not cells: plain text of a text column is quote-prefixed like the rest of
    its column (it shows as written); the dates and yes/no of typed columns are not."""
    columns = columns_for("account", fields=["name", "city", "phone"])
    rows = [{"id": f"a{i}", "name": value, "city": "Montréal", "phone": None,
             "created_at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), "updated_at": None}
            for i, value in enumerate(DANGEROUS)]
    sheet = _write(tmp_path, columns, rows)
    found = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c for c in found if c.data_type == "f"]
    city = [c for c in found if c.value == "Montréal"]
    assert len(city) == len(DANGEROUS) and all(c.data_type == "s" for c in city)
    created = [sheet.cell(row=r, column=5) for r in range(2, len(DANGEROUS) + 2)]
    assert {c.value for c in created} == {datetime(2026, 1, 2, 3, 4, 5)} and not any(c.quotePrefix for c in created)


def test_error_codes_stay_text(tmp_path):
    sheet = _write(tmp_path, columns_for("account", fields=["name"]), [{"id": "a", "name": "#N/A"}])
    cell = sheet.cell(row=2, column=2)
    assert cell.value == "#N/A" and cell.data_type == "s"


def test_control_characters_are_dropped_not_fatal(tmp_path):
    sheet = _write(tmp_path, columns_for("account", fields=["name"]), [{"id": "a", "name": "A\x01B\x0bC"}])
    assert sheet.cell(row=2, column=2).value == "ABC"


def test_custom_values_are_typed(tmp_path):
    definitions = [{"key": k, "type": t, "label_en": k, "label_fr": k}
                   for k, t in (("n", "number"), ("d", "decimal"), ("day", "date"), ("b", "boolean"),
                                ("m", "multi_choice"))]
    columns = columns_for("account", fields=[], custom_definitions=definitions)
    row = {"id": "a", "custom": {"n": 3, "d": "43.98", "day": "2026-05-01", "b": True, "m": ["x", "=y"]}}
    sheet = _write(tmp_path, columns, [row])
    values = [c.value for c in list(sheet.iter_rows())[1]][3:]
    assert values == [3, 43.98, datetime(2026, 5, 1), True, "x, =y"]


def test_every_batch_is_written_and_reported(tmp_path):
    """A job hands the writer its batches as the cursor reads them, and reports its progress after each."""
    told = []
    rows = [{"id": f"a{i}", "name": "=x"} for i in range(200)]
    sheet = _write(tmp_path, columns_for("account", fields=["name"]), rows, progress=told.append, batch=50)
    assert told == [50, 100, 150, 200]
    assert sum(1 for _ in sheet.iter_rows()) == 201
