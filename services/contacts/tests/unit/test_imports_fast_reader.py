"""The imports' fast reader of a sheet without formulas (``sheet._fast_rows``, C-19) gives exactly the values and row
numbers openpyxl's read-only ``iter_rows(values_only=True)`` gives, for the cells files hold: shared strings (openpyxl,
Excel), inline strings (xlsxwriter-like writers), rich text runs, numbers (int and float), booleans, dates and times by
their style (1900 and 1904 epochs), errors, empty cells and rows, gaps between columns and rows, and cells past the
dimension the sheet declares."""
import zipfile
from datetime import date, datetime, time

import openpyxl
import pytest

from carnet_contacts.imports import sheet

SHEET = "xl/worksheets/sheet1.xml"


def _openpyxl_rows(path):
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = []
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            if any(cell is not None and cell != "" for cell in row):
                rows.append((number, tuple(row)))
        return rows
    finally:
        book.close()


def _fast(path):
    with sheet.Workbook(path) as book:
        assert not book.formulas
        return [(number, tuple(row)) for number, row in sheet._fast_rows(path, book.book, book.sheet)
                if any(cell is not None and cell != "" for cell in row)]


def _same(path):
    expected, got = _openpyxl_rows(path), _fast(path)
    assert got == expected
    return got


@pytest.mark.parametrize("epoch_1904", [False, True])
def test_shared_strings_numbers_dates_booleans_and_gaps(tmp_path, epoch_1904):
    book = openpyxl.Workbook()
    calendars = openpyxl.utils.datetime
    book.epoch = calendars.CALENDAR_MAC_1904 if epoch_1904 else calendars.CALENDAR_WINDOWS_1900
    ws = book.active
    ws.append(["Nom", "Né", "Taille", "Actif", "Heure", "Note"])
    ws.append(["Bélanger", date(1990, 2, 3), 182, True, time(9, 30), "  espaces  "])
    ws.append(["O'Neil", datetime(2026, 12, 6, 23, 5), 1.75, False, None, "égal = texte"])
    ws.append([None, None, None, None, None, None])
    ws.cell(row=6, column=1, value="après une ligne vide")
    ws.cell(row=6, column=5, value=12345678901234)
    ws.cell(row=7, column=3, value=-0.5)
    ws.cell(row=7, column=6, value="#N/A").data_type = "e"
    path = tmp_path / "book.xlsx"
    book.save(path)
    got = _same(str(path))
    assert [n for n, _ in got] == [1, 2, 3, 6, 7]
    assert got[1][1][:4] == ("Bélanger", datetime(1990, 2, 3), 182, True)


def _rewrite(path, xml):
    """The workbook at ``path`` with its sheet's XML replaced (what other writers produce)."""
    source = zipfile.ZipFile(path)
    target = path.with_name("rewritten.xlsx")
    with zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            out.writestr(item, xml if item.filename == SHEET else source.read(item.filename))
    return str(target)


def test_inline_and_rich_strings_missing_references_and_the_declared_dimension(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["a"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = (f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><dimension ref="A1:D5"/><sheetData>'
           '<row r="1"><c r="A1" t="inlineStr"><is><t>Prénom</t></is></c><c r="C1" t="inlineStr"><is>'
           '<r><t>Nom </t></r><r><t xml:space="preserve">de famille</t></r></is></c></row>'
           '<row r="3"><c t="inlineStr"><is><t>Zoé</t></is></c><c><v>3</v></c><c t="b"><v>0</v></c>'
           '<c t="str"><v>calculé</v></c><c r="E3"><v>9</v></c></row>'
           '<row><c r="A4" t="e"><v>#DIV/0!</v></c><c r="B4" t="inlineStr"/><c r="C4"><v></v></c>'
           '<c r="D4" t="d"><v>2026-12-06T10:00:00</v></c></row>'
           '<row r="5"><c r="A5" t="inlineStr"><is><t>dernière</t></is></c></row>'
           '<row r="6"><c r="A6" t="inlineStr"><is><t>hors dimension</t></is></c></row>'
           '</sheetData></worksheet>')
    got = _same(_rewrite(path, xml))
    assert [n for n, _ in got] == [1, 3, 4, 5]
    assert got[0][1][:3] == ("Prénom", None, "Nom de famille")
    assert got[1][1] == ("Zoé", 3, False, "calculé")


def test_the_import_reads_rows_through_it(tmp_path):
    book = openpyxl.Workbook()
    for row in (["Prénom", "Courriel"], ["Élodie", "e@exemple.ca"], [None, None], ["Zoé", None]):
        book.active.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    with sheet.Workbook(str(path)) as opened:
        assert opened.headers == ["Prénom", "Courriel"]
        assert list(opened.rows()) == [(2, ("Élodie", "e@exemple.ca"), ()), (4, ("Zoé", None), ())]
