"""The opportunities .xlsx: headers in the caller's language, money as numbers, never a formula."""
import openpyxl

from carnet_opportunities.opportunities import export_xlsx


def test_formula_guard_and_types(tmp_path):
    path = tmp_path / "export.xlsx"
    assert export_xlsx.write(path, language="fr", batches=[[
        {"id": "1", "title": "=SUM(A1)", "account_name": "@acme", "stage": "Perdue", "probability": 0,
         "close_date": "2025-06-30", "total": "43.98", "source": "crm"}]]) == 1
    rows = list(openpyxl.load_workbook(path).active.iter_rows())
    assert rows[0][1].value == "Titre"
    assert rows[1][1].value == "=SUM(A1)" and rows[1][2].value == "@acme"
    assert not any(cell.data_type == "f" for row in rows for cell in row)
    assert rows[1][7].value == 43.98 and rows[1][6].value.year == 2025


def test_only_the_columns_of_readable_fields_and_the_id(tmp_path):
    """S-3: the gateway names the fields the caller may read; the stage's column follows ``stage_id``."""
    path = tmp_path / "export.xlsx"
    row = {"id": "1", "title": "Plancher", "account_name": "Bois", "stage": "40 %", "probability": 40,
           "total": "43.98", "source": "crm"}
    export_xlsx.write(path, language="en", fields=["title", "probability"], batches=[[row]])
    rows = [[cell.value for cell in row] for row in openpyxl.load_workbook(path).active.iter_rows()]
    assert rows == [["ID", "Title", "Probability (%)"], ["1", "Plancher", 40]]
    assert [column[0] for column in export_xlsx.columns_for(["stage_id"])] == ["id", "stage"]
    assert export_xlsx.columns_for(None) == list(export_xlsx.COLUMNS)
