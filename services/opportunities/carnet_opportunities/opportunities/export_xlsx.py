"""Export of opportunities to .xlsx (O-6, C-18 rules), as contacts' ``export_xlsx`` does it: every string a
spreadsheet would run as a formula (``= + - @``, tab, CR) or read as an error code is a quote-prefixed text
cell; money stays ``Decimal``. openpyxl's write-only mode streams rows to the file (flat memory whatever the
size: an export job writes 200,000 opportunities batch by batch). After the standard columns, one column per
custom field the caller may read (C-14), typed by its kind.
"""
from datetime import date
from decimal import Decimal

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from carnet_custom_fields.values import spreadsheet_value

assert openpyxl.DEFUSEDXML, "defusedxml must be installed next to openpyxl"

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767
# key, English, French
COLUMNS = (
    ("id", "ID", "ID"),
    ("title", "Title", "Titre"),
    ("account_name", "Account", "Compte"),
    ("contact_name", "Contact", "Contact"),
    ("stage", "Stage", "Étape"),
    ("probability", "Probability (%)", "Probabilité (%)"),
    ("close_date", "Expected close date", "Date de clôture prévue"),
    ("total", "Total before taxes", "Total avant taxes"),
    ("rep1_id", "Rep 1", "Représentant 1"),
    ("rep2_id", "Rep 2", "Représentant 2"),
    ("source", "Source", "Source"),
)


def make_cell(sheet, value):
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
        if value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    return value


def _value(key, value):
    """A standard column's value as the spreadsheet holds it: the close date a date, the total a ``Decimal``."""
    if key == "close_date" and isinstance(value, str):
        return date.fromisoformat(value)
    if key == "total" and isinstance(value, str):
        return Decimal(value)
    return value


class SheetWriter:
    """One sheet written to ``path``: the headers at once, then ``write_rows`` any number of times, then ``close``.

    ``rows`` are mappings with the keys of ``COLUMNS`` (the opportunity as read, with ``stage``, its label) and
    ``custom`` (the values shown); ``custom_fields`` the definitions of the custom columns, in order. Calls may
    come from different OS threads (``eventlet.tpool``), never at the same time.
    """

    def __init__(self, path, *, language, custom_fields=()):
        self.path, self.custom_fields, self.rows = path, list(custom_fields), 0
        self.workbook = openpyxl.Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title="Opportunités" if language == "fr" else "Opportunities")
        headers = [fr if language == "fr" else en for _, en, fr in COLUMNS]
        headers += [f["label_fr"] if language == "fr" else f["label_en"] for f in self.custom_fields]
        self.sheet.append([make_cell(self.sheet, header) for header in headers])

    def write_rows(self, rows):
        """Append ``rows``; the number of rows written so far."""
        sheet = self.sheet
        for row in rows:
            custom = row.get("custom") or {}
            sheet.append([make_cell(sheet, _value(key, row.get(key))) for key, _, _ in COLUMNS]
                         + [make_cell(sheet, spreadsheet_value(f["type"], custom.get(f["key"])))
                            for f in self.custom_fields])
        self.rows += len(rows)
        return self.rows

    def close(self):
        self.workbook.save(self.path)
