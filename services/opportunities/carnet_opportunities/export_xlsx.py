"""Export of opportunities to .xlsx (O-6, C-18 rules), as contacts' ``export_xlsx`` does it: every string a
spreadsheet would run as a formula (``= + - @``, tab, CR) or read as an error code is a quote-prefixed text
cell; money stays ``Decimal``. Small exports only: the file is built at once (``EXPORT_MAX_ROWS``).
After the standard columns, one column per custom field the caller may read (C-14), typed by its kind.
"""
import io
from datetime import date

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from carnet_common.custom_values import spreadsheet_value

assert openpyxl.DEFUSEDXML, "defusedxml must be installed next to openpyxl"

EXPORT_MAX_ROWS = 5_000
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


def build(rows, *, language, custom_fields=()):
    """The workbook's bytes; ``rows`` are mappings with the keys of ``COLUMNS`` (total a ``Decimal``) and
    ``custom`` (the values shown); ``custom_fields`` the definitions of the custom columns, in order."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title="Opportunités" if language == "fr" else "Opportunities")
    headers = [fr if language == "fr" else en for _, en, fr in COLUMNS]
    headers += [f["label_fr"] if language == "fr" else f["label_en"] for f in custom_fields]
    sheet.append([make_cell(sheet, header) for header in headers])
    for row in rows:
        values = []
        for key, _, _ in COLUMNS:
            value = row.get(key)
            if key == "close_date" and isinstance(value, str):
                value = date.fromisoformat(value)
            values.append(make_cell(sheet, value))
        custom = row.get("custom") or {}
        values += [make_cell(sheet, spreadsheet_value(f["type"], custom.get(f["key"]))) for f in custom_fields]
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
