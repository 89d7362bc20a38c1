"""Reading an import's workbook (C-19): its header row, the proposed mapping of its columns, and each row's cells as
the values the records area's contracts take. Pure (no database): the definitions of custom fields come in.

- Mapping by header names in French or English (``STANDARD``'s names, and each custom field's two labels and key),
  compared accent-, case- and punctuation-blind; the proposal is a default the user may change column by column.
  An empty header cell and a header met twice, or naming a field a column before already fills, are reported (the
  second one is not proposed: two columns cannot both fill one field).
- Dates (custom fields of type date): real date cells, ``YYYYMMDD`` (text or number), ISO ``YYYY-MM-DD`` (``/``
  or ``.`` too, time ignored), and ``D/M/YYYY`` forms only when one reading alone is a date (``25/12/2026``);
  ``03/04/2026`` is two dates, never guessed: that row's error.
- Formulas: the cached value Excel stored (``data_only``); a formula cell without one (a file written by a program
  that does not compute) is that row's error, never imported as empty. The formula cells are found by a second read
  only when the sheet's XML holds a formula at all.
- Reading is openpyxl's read-only mode: rows are streamed, the sheet is never held whole. Without formulas the rows
  are parsed by ``_fast_rows`` (lxml's ``iterparse`` over the sheet's XML, openpyxl's shared strings, date styles and
  epoch): the same values as openpyxl's own reader (a number, a date by its cell's style, a shared or inline string,
  a boolean, an error's text; the same row numbers; cut at the dimension the sheet declares), about 8 times faster,
  which a 100,000-row import needs (bench/results/imports-2026-12-06.md). A sheet with formulas is read by openpyxl
  twice, as before (the cached values and the formulas side by side).
"""
import re
import unicodedata
import zipfile
from datetime import date, datetime

import openpyxl
from lxml import etree
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import from_excel, from_ISO8601

# Standard fields by record type, with the header names (English, French) each is proposed for.
COMMON = {
    "email": ("email", "e-mail", "email address", "courriel", "adresse courriel", "adresse electronique", "mail"),
    "phone": ("phone", "telephone", "phone number", "tel", "numero de telephone", "telephone bureau"),
    "fax": ("fax", "telecopieur"),
    "website": ("website", "web site", "site web", "site internet", "url"),
    "street": ("street", "address", "street address", "adresse", "rue"),
    "city": ("city", "town", "ville", "municipalite"),
    "province": ("province", "state", "etat", "region"),
    "postal_code": ("postal code", "zip", "zip code", "postcode", "code postal"),
    "country": ("country", "pays"),
    "status": ("status", "statut", "etat du dossier"),
    "id": ("id", "identifier", "identifiant", "carnet id"),
}
STANDARD = {
    "contact": {
        "first_name": ("first name", "firstname", "given name", "prenom"),
        "last_name": ("last name", "lastname", "surname", "family name", "nom", "nom de famille"),
        "title": ("title", "job title", "position", "titre", "poste", "fonction"),
        "language": ("language", "langue"),
        "mobile": ("mobile", "cell", "cell phone", "mobile phone", "cellulaire", "portable"),
        "other_phone": ("other phone", "autre telephone"),
        "subscribed": ("subscribed", "abonne", "newsletter", "infolettre"),
        "account_id": ("account id", "id du compte", "identifiant du compte"),
        **COMMON,
    },
    "account": {
        "name": ("name", "account", "account name", "company", "organization", "nom", "compte", "nom du compte",
                 "entreprise", "compagnie", "organisation"),
        **COMMON,
    },
}
YES = {"yes", "y", "true", "1", "oui", "o", "vrai", "x"}
NO = {"no", "n", "false", "0", "non", "faux", ""}
STATUSES = {"active": "active", "actif": "active", "active ": "active", "inactive": "inactive", "inactif": "inactive"}
DATE_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$")
DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


# Names ----------------------------------------------------------------------------------------------------------

def normalise(text):
    """A header as compared: accents, case and punctuation left out (``Prénom`` = ``prenom`` = ``PRÉ-NOM``)."""
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def vocabulary(record_type, custom_definitions):
    """``{normalised name: field}``: the standard fields' names, then each custom field's key and labels
    (``custom.<key>``); a custom label never takes a standard name."""
    names = {}
    for field, aliases in STANDARD[record_type].items():
        for alias in (field, *aliases):
            names.setdefault(normalise(alias), field)
    for key, definition in custom_definitions.items():
        for alias in (definition["label_en"], definition["label_fr"], key):
            names.setdefault(normalise(alias), f"custom.{key}")
    return names


def fields_of(record_type, custom_definitions):
    """Every field a column may fill."""
    return [*STANDARD[record_type], *(f"custom.{key}" for key in custom_definitions)]


def propose(headers, *, record_type, custom_definitions):
    """``(columns, problems)``: for each header cell ``{column, header, proposed}`` (``proposed``: a field or None),
    and the problems of the header row (``{code, column, header}``: empty, duplicate)."""
    names = vocabulary(record_type, custom_definitions)
    columns, problems, seen, taken = [], [], {}, {}
    last = max((i for i, h in enumerate(headers) if _text(h)), default=-1)
    for index, header in enumerate(headers[:last + 1]):
        column, text = get_column_letter(index + 1), _text(header)
        if not text:
            problems.append({"code": "import_header_empty", "column": column, "header": ""})
            continue
        key = normalise(text)
        if key in seen:
            problems.append({"code": "import_header_duplicate", "column": column, "header": text,
                             "first": seen[key]})
            columns.append({"column": column, "header": text, "proposed": None})
            continue
        seen[key] = column
        field = names.get(key)
        if field is not None and field in taken:
            # another name of a field a column before already fills (``Email`` then ``Courriel``)
            problems.append({"code": "import_header_duplicate", "column": column, "header": text,
                             "first": taken[field]})
            field = None
        elif field is not None:
            taken[field] = column
        columns.append({"column": column, "header": text, "proposed": field})
    return columns, problems


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Values ---------------------------------------------------------------------------------------------------------

def parse_date(value):
    """``(YYYY-MM-DD, None)`` or ``(None, code)`` (see the module's docstring)."""
    if isinstance(value, datetime):
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, bool):
        return None, "import_date_invalid"
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 10_000_000 <= value <= 99_991_231:
            value = str(int(value))
        else:
            return None, "import_date_invalid"
    text = str(value).strip()
    for pattern in (DATE_COMPACT, DATE_ISO):
        match = pattern.match(text)
        if match:
            return _date(int(match[1]), int(match[2]), int(match[3]))
    match = DATE_DMY.match(text)
    if match:
        first, second, year = int(match[1]), int(match[2]), int(match[3])
        readings = {d for d in (_date(year, second, first)[0], _date(year, first, second)[0]) if d}
        if len(readings) == 1:
            return readings.pop(), None
        if len(readings) > 1:
            return None, "import_date_ambiguous"
    return None, "import_date_invalid"


def _date(year, month, day):
    try:
        return date(year, month, day).isoformat(), None
    except ValueError:
        return None, "import_date_invalid"


def _boolean(value):
    if isinstance(value, bool):
        return value, None
    text = normalise(_text(value))
    if text in YES:
        return True, None
    if text in NO:
        return None, None
    return None, "import_boolean_invalid"


def _integer(value):
    if isinstance(value, bool):
        return None, "custom_integer_expected"
    if isinstance(value, float) and value.is_integer():
        return int(value), None
    if isinstance(value, int):
        return value, None
    text = _text(value).replace(" ", "").replace("\u00a0", "")
    return (int(text), None) if re.fullmatch(r"-?\d{1,16}", text) else (None, "custom_integer_expected")


def _decimal(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _text(value), None
    return _text(value).replace(" ", "").replace("\u00a0", "").replace(",", "."), None


def cell_value(field, value, custom_definitions):
    """``(value, None)`` as the records' contracts take ``field``, or ``(None, code)``. Empty cells are None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if field.startswith("custom."):
        kind = custom_definitions[field[7:]]["type"]
        if kind == "date":
            return parse_date(value)
        if kind == "boolean":
            return _boolean(value)
        if kind == "number":
            return _integer(value)
        if kind == "decimal":
            return _decimal(value)
        if kind == "multiple_choice":
            return [part.strip() for part in _text(value).split(";") if part.strip()], None
        return _text(value), None
    if field == "subscribed":
        result, error = _boolean(value)
        return (False if result is None and not error else result), error
    if field == "status":
        status = STATUSES.get(normalise(_text(value)))
        return (status, None) if status else (None, "import_status_invalid")
    if isinstance(value, (datetime, date)):
        return value.isoformat(), None
    return _text(value), None


def row_data(values, mapping, custom_definitions):
    """``(data, errors)``: the row's cells by field (custom fields under ``custom``), and ``{field: code}`` of the
    cells that could not be read. ``mapping``: ``[(index, field)]``."""
    data, custom, errors = {}, {}, {}
    for index, field in mapping:
        raw = values[index] if index < len(values) else None
        value, error = cell_value(field, raw, custom_definitions)
        if error:
            errors[field] = error
        elif field.startswith("custom."):
            if value is not None:
                custom[field[7:]] = value
        elif value is not None:
            data[field] = value
    if custom:
        data["custom"] = custom
    return data, errors


# Reading --------------------------------------------------------------------------------------------------------

class Workbook:
    """The first sheet of the workbook at ``path``, read-only: ``headers``, ``dimension_rows`` (what the sheet says
    it spans, None when it does not say) and ``rows()``. Closed by ``close()`` (or ``with``)."""

    def __init__(self, path):
        self.path = path
        self.book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        self.sheet = self.book.worksheets[0]
        self.formulas = _has_formulas(path, self.sheet._worksheet_path)
        first = next(self.sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
        self.headers = list(first)
        self.dimension_rows = self.sheet.max_row if isinstance(self.sheet.max_row, int) else None

    def rows(self):
        """``(row number, values, formula columns)`` of the rows below the header, blank ones left out;
        ``formula columns``: indexes of the cells holding a formula without a cached value."""
        if not self.formulas:
            for number, row in _fast_rows(self.path, self.book, self.sheet):
                if number >= 2 and any(cell is not None and cell != "" for cell in row):
                    yield number, row, ()
            return
        values = self.sheet.iter_rows(min_row=2, values_only=True)
        formulas = None
        if self.formulas:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=False)
            formulas = book.worksheets[0].iter_rows(min_row=2, values_only=True)
        for number, row in enumerate(values, start=2):
            missing = ()
            if formulas is not None:
                written = next(formulas, ())
                missing = tuple(i for i, cell in enumerate(written) if isinstance(cell, str) and cell.startswith("=")
                                and (i >= len(row) or row[i] is None))
            if missing or any(cell is not None and cell != "" for cell in row):
                yield number, row, missing

    def close(self):
        self.book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, INLINE, TEXT, RUN = (f"{MAIN}{tag}" for tag in ("row", "c", "v", "is", "t", "r"))


def _fast_rows(path, book, sheet):
    """``(row number, values)`` of every row of ``sheet`` (a read-only openpyxl worksheet of ``book``) as
    ``iter_rows(values_only=True)`` gives them, parsed by lxml: a cell's value as openpyxl's ``parse_cell`` makes it
    with ``data_only`` (its shared strings, date styles and epoch), values placed by their column, rows and columns
    past the sheet's declared dimension left out and rows padded to its width, as openpyxl does. No entity is
    resolved, nothing fetched."""
    strings, epoch = sheet._shared_strings, book.epoch
    dates, durations = book._date_formats, book._timedelta_formats
    max_row = sheet.max_row if isinstance(sheet.max_row, int) else None
    max_col = sheet.max_column if isinstance(sheet.max_column, int) else None
    with zipfile.ZipFile(path) as archive, archive.open(sheet._worksheet_path.lstrip("/")) as stream:
        number = 0
        for _, element in etree.iterparse(stream, events=("end",), tag=ROW, resolve_entities=False,
                                          no_network=True, load_dtd=False, huge_tree=False):
            attribute = element.get("r")
            number = int(attribute) if attribute else number + 1
            if max_row is not None and number > max_row:
                break
            values, column = [], 0
            for cell in element.iterchildren(CELL):
                reference = cell.get("r")
                column = column_index_from_string(reference.rstrip("0123456789")) if reference else column + 1
                if max_col is not None and column > max_col:
                    continue
                if column > len(values):
                    values.extend([None] * (column - len(values)))
                values[column - 1] = _cell_value(cell, strings, dates, durations, epoch)
            if max_col is not None and len(values) < max_col:
                values.extend([None] * (max_col - len(values)))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            yield number, tuple(values)


def _cell_value(cell, strings, dates, durations, epoch):
    """openpyxl's ``WorkSheetParser.parse_cell`` with ``data_only`` (openpyxl/worksheet/_reader.py), value only;
    the cell's children read by tag, one pass (lxml's ``find`` parses a path at each call)."""
    kind = cell.get("t", "n")
    value = None
    for child in cell:
        tag = child.tag
        if tag == VALUE:
            value = child.text or None
        elif tag == INLINE and kind == "inlineStr":
            parts = []
            for part in child:
                if part.tag == TEXT:
                    parts.append(part.text or "")
                elif part.tag == RUN:
                    parts.extend(t.text or "" for t in part if t.tag == TEXT)
            return "".join(parts)
    if value is None or kind == "inlineStr":
        return None
    if kind == "n":
        number = float(value) if ("." in value or "E" in value or "e" in value) else int(value)
        style = cell.get("s")
        if style and int(style) in dates:
            try:
                return from_excel(number, epoch, timedelta=int(style) in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value     # "str" (a formula's text), "e" (an error's text)


def _has_formulas(path, part):
    """Whether the sheet's XML holds a formula element (read in chunks, never whole)."""
    part = part.lstrip("/")
    with zipfile.ZipFile(path) as archive, archive.open(part) as stream:
        tail = b""
        while data := stream.read(1024 * 1024):
            if b"<f>" in tail + data or b"<f " in tail + data or b":f>" in tail + data or b":f " in tail + data:
                return True
            tail = data[-3:]
    return False
