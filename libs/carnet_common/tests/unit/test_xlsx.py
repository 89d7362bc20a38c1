"""The export sheet writer (C-18) checked by reopening its files with openpyxl read-only, for both of its writers:
rustpy-xlsxwriter (unique headers, at least one row) and XlsxWriter (repeated headers, or no row).

Both write a carriage return as OOXML's ``_x000D_`` (and a literal ``_x0041_`` as ``_x005F_x0041_``), as Excel does
and reads back; openpyxl does not decode it, so text is compared as a spreadsheet shows it (``shown``)."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from carnet_common import xlsx

DANGEROUS = ["=1+2", "+1 514 555 0000", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", "=HYPERLINK(\"http://x\")", "#N/A"]
COLUMNS = [xlsx.Column("ID"), xlsx.Column("Nom"), xlsx.Column("Taille", xlsx.NUMBER), xlsx.Column("Jour", xlsx.DATE),
           xlsx.Column("Créé (UTC)", xlsx.DATETIME), xlsx.Column("Abonné", xlsx.BOOLEAN)]
EASTERN = timezone(timedelta(hours=-5))


def shown(cell):
    """The text a spreadsheet shows for ``cell`` (OOXML's ``_xHHHH_`` escapes decoded)."""
    return unescape(cell.value)


@pytest.fixture(params=["rustpy-xlsxwriter", "XlsxWriter"])
def write(request, tmp_path):
    """``write(columns, rows)``: the sheet's rows as openpyxl reads them back (cells), by one writer or the other.
    XlsxWriter is reached as the service reaches it: by a header repeated in an extra last column."""
    def write(columns, rows, progress=None, batch=2):
        path = tmp_path / "out.xlsx"
        rows = [list(row) for row in rows]
        if request.param == "XlsxWriter":
            columns = [*columns, xlsx.Column(columns[0].header)]
            rows = [[*row, None] for row in rows]
        batches = [rows[i:i + batch] for i in range(0, len(rows), batch)]
        count = xlsx.write_sheet(path, title="Contacts", columns=columns, batches=iter(batches), progress=progress)
        assert count == len(rows)
        sheet = openpyxl.load_workbook(path, read_only=True).active
        found = [list(row) for row in sheet.iter_rows()]
        return [row[:len(columns) - (request.param == "XlsxWriter")] for row in found]
    return write


@pytest.mark.parametrize("value", DANGEROUS)
def test_what_a_spreadsheet_would_run_is_quote_prefixed_text_showing_as_written(write, value):
    header, row = write(COLUMNS, [["c1", value, None, None, None, None]])
    cell = row[1]
    assert cell.data_type == "s" and shown(cell) == value and cell.style_array.quotePrefix
    assert xlsx.runs_as_formula(value)


def test_no_cell_is_a_formula_and_typed_values_keep_their_type(write):
    created = datetime(2026, 1, 2, 3, 4, 5, tzinfo=EASTERN)
    rows = write(COLUMNS, [[f"c{i}", value, 3, date(2026, 5, 1), created, True] for i, value in enumerate(DANGEROUS)]
                 + [["d", "Montréal", Decimal("43.98"), None, None, False]])
    assert not [cell for row in rows for cell in row if cell.data_type == "f"]
    assert [c.value for c in rows[0]] == ["ID", "Nom", "Taille", "Jour", "Créé (UTC)", "Abonné"]
    first, last = rows[1], rows[-1]
    assert first[2].value == 3 and first[2].data_type == "n"
    assert first[3].value == datetime(2026, 5, 1) and first[3].number_format == "yyyy-mm-dd"
    assert first[4].value == datetime(2026, 1, 2, 8, 4, 5) and first[4].number_format == "yyyy-mm-dd h:mm:ss"
    assert first[5].value is True and last[5].value is False
    assert last[2].value == 43.98 and last[2].data_type == "n"
    assert last[1].value == "Montréal" and last[1].data_type == "s"
    assert [c.value for c in last[3:5]] == [None, None]
    assert not any(cell.style_array.quotePrefix for row in rows[1:] for cell in row[2:] if cell.value is not None)


def test_every_header_is_quote_prefixed_text(write):
    header, _ = write([*COLUMNS[:2], xlsx.Column("=Budget", xlsx.NUMBER)], [["c", "x", 1]])
    assert [c.value for c in header] == ["ID", "Nom", "=Budget"]
    assert all(c.data_type == "s" and c.style_array.quotePrefix for c in header)


def test_control_characters_are_dropped_and_text_is_cut_at_the_cell_limit(write):
    _, row = write(COLUMNS[:2], [["A\x01B\x0bC\x1f", "x" * (xlsx.MAX_CELL_CHARS + 10)]])
    assert row[0].value == "ABC" and row[1].value == "x" * xlsx.MAX_CELL_CHARS


def test_tab_line_breaks_and_escape_like_text_are_kept(write):
    _, row = write(COLUMNS[:2], [["a\tb", "ligne 1\r\nligne 2 _x0041_"]])
    assert [shown(c) for c in row] == ["a\tb", "ligne 1\r\nligne 2 _x0041_"]


def test_a_string_in_a_typed_column_is_text_as_written(write):
    _, row = write(COLUMNS, [["c", "x", "=1", "2026-13-45", None, None]])
    assert (row[2].value, row[2].data_type) == ("=1", "s") and (row[3].value, row[3].data_type) == ("2026-13-45", "s")


def test_progress_is_told_after_each_batch(write):
    told = []
    write(COLUMNS[:2], [[f"c{i}", "=x"] for i in range(5)], progress=told.append, batch=2)
    assert told == [2, 4, 5]


def test_repeated_headers_keep_every_column(tmp_path):
    path = tmp_path / "repeated.xlsx"
    columns = [xlsx.Column("ID"), xlsx.Column("Ville"), xlsx.Column("Ville")]
    assert xlsx.write_sheet(path, title="A", columns=columns, batches=[[["a", "=b", "c"]]]) == 1
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows == [("ID", "Ville", "Ville"), ("a", "=b", "c")]


def test_a_sheet_without_rows_has_its_headers(tmp_path):
    path = tmp_path / "empty.xlsx"
    assert xlsx.write_sheet(path, title="A", columns=COLUMNS, batches=[[]]) == 0
    rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows == [("ID", "Nom", "Taille", "Jour", "Créé (UTC)", "Abonné")]


def test_the_rows_are_pulled_as_the_sheet_is_written(tmp_path):
    """A generator of batches is read as the writer goes: no batch is asked for before the previous one's rows
    have been taken (the export holds one batch, not the result)."""
    taken, asked = [], []

    def batches():
        for n in range(3):
            asked.append((n, len(taken)))
            yield (taken.append(i) or [f"r{n}-{i}", "x"] for i in range(4))
    assert xlsx.write_sheet(tmp_path / "s.xlsx", title="A", columns=COLUMNS[:2], batches=batches()) == 12
    assert asked == [(0, 0), (1, 4), (2, 8)]


def test_custom_field_types_map_to_cell_kinds():
    assert [xlsx.custom_field_kind(t) for t in ("number", "decimal", "date", "boolean", "text", "multi_choice")] == [
        xlsx.NUMBER, xlsx.NUMBER, xlsx.DATE, xlsx.BOOLEAN, xlsx.TEXT, xlsx.TEXT]
