"""One sheet written to an .xlsx file for an export (C-18, O-6): streamed, typed, and never a formula.

The writer is rustpy-xlsxwriter (a binding of the Rust ``rust_xlsxwriter``) fed by a generator: it writes each row
as the generator yields it, in constant memory, so an export of 200,000 rows holds one batch of them. It wrote
100,000 × 25 cells in ~4 s where openpyxl's write-only mode took ~19 s and XlsxWriter's ``constant_memory`` ~15 s
(bench/results/xlsx-2026-12-06.md; export-2026-12-06.md measures the exports through the services).

What a spreadsheet would run stays text (C-18):
- every string is a text cell: neither writer infers formulas, numbers or links from text;
- a string a spreadsheet would run when it is edited (``= + - @``, tab, CR) or read as an error code (``#N/A``) is
  quote-prefixed, so it stays text when edited. rustpy-xlsxwriter formats columns, not cells: every cell of a
  ``TEXT`` column is quote-prefixed (it shows its text as written; Excel's formula bar shows an apostrophe before
  it), and so is every header;
- XML-illegal control characters are dropped, and a string is cut at Excel's 32,767 characters.
Typed columns hold numbers (``Decimal`` too), dates (``yyyy-mm-dd``), date-times (in UTC, ``yyyy-mm-dd h:mm:ss``:
Excel has no time zones) and yes/no. A string in a typed column (a stored value not of its field's kind, which C-14
refuses) is a text cell there, not prefixed.

rustpy-xlsxwriter takes each row as a dict keyed by header and writes the headers from the first row: a sheet
whose headers repeat (two custom fields may have one label) or that has no row is written by XlsxWriter's
``constant_memory`` mode instead, with the same rules (it formats cells: a string of a typed column that a
spreadsheet would run is quote-prefixed there too).
"""
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import rustpy_xlsxwriter
import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
# The characters XML 1.0 forbids (C0 controls but tab, LF and CR), as openpyxl's ILLEGAL_CHARACTERS_RE.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010\013\014\016-\037]")

TEXT, NUMBER, DATE, DATETIME, BOOLEAN = "text", "number", "date", "datetime", "boolean"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd h:mm:ss"
# C-14 custom field types whose values are typed cells (``carnet_custom_fields.values.spreadsheet_value``); the
# other types are text.
CUSTOM_FIELD_KINDS = {"number": NUMBER, "decimal": NUMBER, "date": DATE, "boolean": BOOLEAN}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT


def custom_field_kind(field_type):
    """The kind of the column of a custom field of ``field_type`` (C-14)."""
    return CUSTOM_FIELD_KINDS.get(field_type, TEXT)


def safe_text(value):
    """Text a cell can hold: XML-illegal control characters dropped, at most Excel's cell size."""
    if not value.isprintable():  # one C pass; most text has no control character at all
        value = ILLEGAL_CHARACTERS.sub("", value)
    return value if len(value) <= MAX_CELL_CHARS else value[:MAX_CELL_CHARS]


def runs_as_formula(text):
    """Whether a spreadsheet would run ``text`` as a formula when it is edited, or read it as an error code."""
    return text.startswith(FORMULA_PREFIXES) or text in ERROR_CODES


def cell_value(value):
    """``value`` as a cell holds it: text made safe, an aware date-time in UTC without its zone; others as they are
    (numbers, ``Decimal``, dates, booleans, None for an empty cell; anything else as its text)."""
    kind = value.__class__
    if kind is str:
        return safe_text(value)
    if value is None or kind in (int, float, bool, Decimal, date):
        return value
    if kind is datetime:
        return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)
    return safe_text(str(value))


def write_sheet(path, *, title, columns, batches, progress=None):
    """Write ``columns``' headers, then the rows of ``batches``, as the sheet ``title`` of a new .xlsx at ``path`` (a
    path or a binary file); the number of rows written. A batch is an iterable of rows (sequences, one value per
    column), pulled as the sheet is written; ``progress(rows written so far)`` is told after each batch."""
    headers = [safe_text(column.header) for column in columns]
    rows = _Rows(batches, progress)
    pulled = iter(rows)
    first = next(pulled, None)
    if first is None or len(set(headers)) < len(headers):
        _write_cells(path, title, columns, headers, pulled if first is None else _chain(first, pulled))
    else:
        _write_records(path, title, columns, headers, _chain(first, pulled))
    return rows.count


class _Rows:
    """The rows of ``batches``, one by one, counted; ``progress(count)`` after each batch."""

    def __init__(self, batches, progress):
        self.batches, self.progress, self.count = batches, progress, 0

    def __iter__(self):
        for batch in self.batches:
            for row in batch:
                self.count += 1
                yield row
            if self.progress is not None:
                self.progress(self.count)


def _chain(first, rows):
    yield first
    yield from rows


def _write_records(path, title, columns, headers, rows):
    """rustpy-xlsxwriter: each row a dict keyed by header, pulled by the writer as it writes."""
    formats = []
    for column in columns:
        if column.kind == TEXT:
            formats.append(rustpy_xlsxwriter.Format().set_quote_prefix())
        elif column.kind in (DATE, DATETIME):
            formats.append(rustpy_xlsxwriter.Format().set_num_format(
                DATE_FORMAT if column.kind == DATE else DATETIME_FORMAT))
        else:
            formats.append(None)
    records = (dict(zip(headers, map(cell_value, row), strict=True)) for row in rows)
    rustpy_xlsxwriter.write_worksheet(records, path, sheet_name=title, column_formats=formats,
                                      header_format=rustpy_xlsxwriter.Format().set_quote_prefix(),
                                      datetime_format=DATETIME_FORMAT)


def _write_cells(path, title, columns, headers, rows):
    """XlsxWriter in ``constant_memory`` mode (each row flushed when the next begins), cell by cell."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})
    try:
        sheet = workbook.add_worksheet(title)
        quoted = workbook.add_format({"quote_prefix": True})
        day = workbook.add_format({"num_format": DATE_FORMAT})
        stamp = workbook.add_format({"num_format": DATETIME_FORMAT})
        for col, header in enumerate(headers):
            sheet.write_string(0, col, header, quoted)
        text = [column.kind == TEXT for column in columns]
        for line, row in enumerate(rows, start=1):
            for col, value in enumerate(map(cell_value, row)):
                if value is None:
                    continue
                if value.__class__ is str:
                    sheet.write_string(line, col, value, quoted if text[col] or runs_as_formula(value) else None)
                elif value.__class__ is bool:
                    sheet.write_boolean(line, col, value)
                elif value.__class__ is datetime:
                    sheet.write_datetime(line, col, value, stamp)
                elif value.__class__ is date:
                    sheet.write_datetime(line, col, value, day)
                else:
                    sheet.write_number(line, col, value)
    finally:
        workbook.close()
