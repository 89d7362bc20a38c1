"""The .xlsx side of exports (C-18), without I/O other than the file: columns, headers, the formula guard.

openpyxl's write-only mode streams rows to disk (flat memory); lxml makes it about 25 % faster
(docs/performance.md §6). A string starting with ``=`` would be written as a formula, and ``+ - @``,
tab or CR are run as formulas by spreadsheets on edit: every string is forced to a text cell, and those
get the ``quotePrefix`` style as well, so the cell shows the original text and stays text when edited.
"""
from dataclasses import dataclass
from datetime import datetime, timezone

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

from carnet_custom_fields import values as custom_values

# Reading an .xlsx (imports) is only safe from XML bombs with defusedxml; exports import openpyxl first.
assert openpyxl.DEFUSEDXML, "defusedxml must be installed next to openpyxl"

MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell


@dataclass(frozen=True)
class Column:
    key: str            # the row key the value is read from
    permission: str     # the field whose read permission (S-3) the column needs; "" for always shown
    en: str
    fr: str
    custom_type: str = ""

    def label(self, language):
        return self.fr if language == "fr" else self.en


def _c(key, en, fr, permission=None):
    return Column(key, key if permission is None else permission, en, fr)


CONTACT_COLUMNS = (
    _c("id", "ID", "ID", ""),
    _c("first_name", "First name", "Prénom"),
    _c("last_name", "Last name", "Nom"),
    _c("title", "Title", "Titre"),
    _c("email", "Email", "Courriel"),
    _c("language", "Language", "Langue"),
    _c("phone", "Phone", "Téléphone"),
    _c("mobile", "Mobile", "Cellulaire"),
    _c("fax", "Fax", "Télécopieur"),
    _c("other_phone", "Other phone", "Autre téléphone"),
    _c("street", "Street", "Adresse"),
    _c("city", "City", "Ville"),
    _c("province", "Province", "Province"),
    _c("postal_code", "Postal code", "Code postal"),
    _c("country", "Country", "Pays"),
    _c("website", "Website", "Site web"),
    _c("rep1_name", "Rep 1", "Représentant 1", "rep1_id"),
    _c("rep2_name", "Rep 2", "Représentant 2", "rep2_id"),
    _c("subscribed", "Subscribed", "Abonné"),
    _c("status", "Status", "Statut"),
    _c("is_primary", "Primary contact", "Contact primaire"),
    _c("created_at", "Created (UTC)", "Créé (UTC)", ""),
    _c("updated_at", "Updated (UTC)", "Modifié (UTC)", ""),
)

ACCOUNT_COLUMNS = (
    _c("id", "ID", "ID", ""),
    _c("name", "Name", "Nom"),
    _c("email", "Email", "Courriel"),
    _c("phone", "Phone", "Téléphone"),
    _c("fax", "Fax", "Télécopieur"),
    _c("website", "Website", "Site web"),
    _c("street", "Street", "Adresse"),
    _c("city", "City", "Ville"),
    _c("province", "Province", "Province"),
    _c("postal_code", "Postal code", "Code postal"),
    _c("country", "Country", "Pays"),
    _c("rep1_name", "Rep 1", "Représentant 1", "rep1_id"),
    _c("rep2_name", "Rep 2", "Représentant 2", "rep2_id"),
    _c("status", "Status", "Statut"),
    _c("created_at", "Created (UTC)", "Créé (UTC)", ""),
    _c("updated_at", "Updated (UTC)", "Modifié (UTC)", ""),
)

# The account's columns beside each contact (C-18); the account ID always, the rest by account field rights.
ACCOUNT_OF_CONTACT = ("id", "name", "email", "phone", "fax", "website", "street", "city", "province",
                      "postal_code", "country")
ACCOUNT_PART = tuple(
    Column("account_" + col.key, col.permission, "Account " + col.en[0].lower() + col.en[1:] if col.key != "id"
           else "Account ID", "Compte : " + col.fr if col.key != "id" else "ID du compte")
    for col in ACCOUNT_COLUMNS if col.key in ACCOUNT_OF_CONTACT)


def columns_for(record_type, *, fields, account_fields=(), custom_definitions=()):
    """The export's columns: ID, the readable standard fields, the custom fields given (already without
    hidden and unreadable ones), then for contacts the readable columns of their account."""
    fields, account_fields = set(fields), set(account_fields)
    base = CONTACT_COLUMNS if record_type == "contact" else ACCOUNT_COLUMNS
    columns = [col for col in base if not col.permission or col.permission in fields]
    columns += [Column("custom." + d["key"], "custom." + d["key"], d["label_en"], d["label_fr"], d["type"])
                for d in custom_definitions]
    if record_type == "contact":
        columns += [col for col in ACCOUNT_PART if not col.permission or col.permission in account_fields]
    return columns


def safe_text(value):
    """Text a cell can hold: XML-illegal control characters dropped, at most Excel's cell size."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]


def cell_value(column, row):
    """The Python value of ``column`` in ``row`` (a mapping), typed for the spreadsheet."""
    if column.custom_type:
        stored = (row.get("custom") or {}).get(column.key[len("custom."):])
        return custom_values.spreadsheet_value(column.custom_type, stored)
    value = row.get(column.key)
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).replace(tzinfo=None)  # Excel has no time zones: UTC, said so
    return value


def make_cell(sheet, value):
    """A value or write-only cell that is never a formula. Plain text is passed as is (openpyxl makes it a
    text cell, and building a cell per value would double the cost); text a spreadsheet would run as a
    formula, or read as an error code, becomes a text cell, quote-prefixed."""
    if isinstance(value, str):
        value = safe_text(value)
        if value.startswith(FORMULA_PREFIXES) or value in ERROR_CODES:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
    return value


class SheetWriter:
    """One sheet written row by row to ``path``; call ``write_rows`` any number of times, then ``close``.

    Calls may come from different OS threads (``eventlet.tpool``), never at the same time.
    """

    def __init__(self, path, *, columns, language, title):
        self.path = path
        self.columns = columns
        self.workbook = openpyxl.Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=title)
        self.sheet.append([make_cell(self.sheet, col.label(language)) for col in columns])
        self.rows = 0

    def write_rows(self, rows):
        sheet, columns = self.sheet, self.columns
        for row in rows:
            sheet.append([make_cell(sheet, cell_value(col, row)) for col in columns])
        self.rows += len(rows)
        return self.rows

    def close(self):
        self.workbook.save(self.path)
