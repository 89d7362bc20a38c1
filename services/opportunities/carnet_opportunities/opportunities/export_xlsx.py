"""The sheet of an export of opportunities (O-6, with the rules of C-18), without I/O other than the file: its
columns, headers and cells. ``carnet_common.xlsx`` writes it, as it writes contacts' (the formula guard, typed
cells, streaming): money stays ``Decimal``, the close date a date. The standard columns of the fields the caller may
read (S-3: the gateway names them; the ID always), then one column per custom field the caller may read (C-14), typed
by its kind.
"""
from datetime import date
from decimal import Decimal

from carnet_common import xlsx
from carnet_custom_fields.values import spreadsheet_value

# key, English, French, kind
COLUMNS = (
    ("id", "ID", "ID", xlsx.TEXT),
    ("title", "Title", "Titre", xlsx.TEXT),
    ("account_name", "Account", "Compte", xlsx.TEXT),
    ("contact_name", "Contact", "Contact", xlsx.TEXT),
    ("stage", "Stage", "Étape", xlsx.TEXT),
    ("probability", "Probability (%)", "Probabilité (%)", xlsx.NUMBER),
    ("close_date", "Expected close date", "Date de clôture prévue", xlsx.DATE),
    ("total", "Total before taxes", "Total avant taxes", xlsx.NUMBER),
    ("rep1_id", "Rep 1", "Représentant 1", xlsx.TEXT),
    ("rep2_id", "Rep 2", "Représentant 2", xlsx.TEXT),
    ("source", "Source", "Source", xlsx.TEXT),
)
# The field whose permission a column follows, where its key is not the field's name.
FIELD_OF = {"stage": "stage_id"}
ALWAYS = ("id",)


def columns_for(fields):
    """The standard columns of ``fields`` (the readable field names; None: every column), in sheet order."""
    return [column for column in COLUMNS
            if fields is None or column[0] in ALWAYS or FIELD_OF.get(column[0], column[0]) in fields]


def _value(key, value):
    """A standard column's value as the spreadsheet holds it: the close date a date, the total a ``Decimal``."""
    if key == "close_date" and isinstance(value, str):
        return date.fromisoformat(value)
    if key == "total" and isinstance(value, str):
        return Decimal(value)
    return value


def write(path, *, language, batches, custom_fields=(), fields=None, progress=None):
    """The sheet of ``batches`` of opportunities at ``path``; the number of rows written.

    A row is a mapping with the keys of ``COLUMNS`` (the opportunity as read, with ``stage``, its label) and
    ``custom`` (the values shown), pulled as the sheet is written; ``custom_fields`` are the definitions of the
    custom columns, in order; ``fields`` the standard fields the caller may read (``columns_for``);
    ``progress(rows written so far)`` after each batch."""
    custom_fields, standard = list(custom_fields), columns_for(fields)
    columns = [xlsx.Column(fr if language == "fr" else en, kind) for _, en, fr, kind in standard]
    columns += [xlsx.Column(f["label_fr"] if language == "fr" else f["label_en"], xlsx.custom_field_kind(f["type"]))
                for f in custom_fields]

    def cells(row):
        custom = row.get("custom") or {}
        return ([_value(key, row.get(key)) for key, _, _, _ in standard]
                + [spreadsheet_value(f["type"], custom.get(f["key"])) for f in custom_fields])
    return xlsx.write_sheet(path, title="Opportunités" if language == "fr" else "Opportunities", columns=columns,
                            batches=(map(cells, batch) for batch in batches), progress=progress)
