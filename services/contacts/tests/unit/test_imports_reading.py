"""The pure parts of imports (C-19): archive checks before parsing, the proposed mapping, dates and cell values."""
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from carnet_contacts.imports import archive, messages, sheet

CUSTOM = {"birthday": {"label_en": "Birthday", "label_fr": "Anniversaire", "type": "date"},
          "customer_no": {"label_en": "Customer number", "label_fr": "Numéro client", "type": "text"},
          "size": {"label_en": "Size", "label_fr": "Taille", "type": "number"}}


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _xlsx(tmp_path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "book.xlsx"
    book.save(path)
    return str(path)


def _zip(tmp_path, entries, name="a.xlsx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for entry, data in entries.items():
            zipped.writestr(entry, data)
    return _write(tmp_path, name, buffer.getvalue())


def _refused(path, limits=archive.ArchiveLimits()):
    with pytest.raises(archive.Refused) as caught:
        archive.check_archive(path, limits)
    return caught.value.status, caught.value.code


def test_openpyxl_parses_through_defusedxml():
    assert archive.DEFUSED is True


def test_a_real_workbook_passes(tmp_path):
    archive.check_archive(_xlsx(tmp_path, [["Email"], ["a@example.com"]]))


def test_ole_files_are_told_apart_xls_or_password(tmp_path):
    cfb = archive.CFB_SIGNATURE + b"\0" * 600
    assert _refused(_write(tmp_path, "x.xlsx", cfb + "Workbook".encode("utf-16-le"))) == (415, "import_xls")
    # the stream name straddling two reads is still found
    encrypted = cfb + b"\0" * (1024 * 1024 - 600 - 8 - 5) + "EncryptedPackage".encode("utf-16-le")
    assert _refused(_write(tmp_path, "y.xlsx", encrypted)) == (422, "import_password_protected")


def test_not_a_zip_truncated_and_missing_parts(tmp_path):
    assert _refused(_write(tmp_path, "c.xlsx", b"a,b\n1,2\n")) == (415, "import_not_xlsx")
    good = open(_xlsx(tmp_path, [["Email"]]), "rb").read()
    assert _refused(_write(tmp_path, "t.xlsx", good[:len(good) // 2])) == (422, "import_corrupt")
    assert _refused(_zip(tmp_path, {"Index/Document.iwa": b"x"})) == (415, "import_not_xlsx")


def test_zip_bomb_limits(tmp_path):
    parts = {"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}
    bomb = _zip(tmp_path, {**parts, "xl/worksheets/sheet1.xml": b"\0" * (3 * 1024 * 1024)})
    assert _refused(bomb) == (422, "import_archive_ratio")
    many = _zip(tmp_path, {**parts, **{f"xl/p{i}.xml": b"x" for i in range(20)}})
    assert _refused(many, archive.ArchiveLimits(max_entries=10)) == (422, "import_archive_entries")
    assert _refused(many, archive.ArchiveLimits(max_total_bytes=10)) == (422, "import_archive_too_large")


def test_mapping_proposes_french_and_english_headers_and_custom_labels():
    columns, problems = sheet.propose(["Prénom", "NOM", "Courriel", "Numéro client", "Birthday", "Taille", "Zzz"],
                                      record_type="contact", custom_definitions=CUSTOM)
    assert [c["proposed"] for c in columns] == ["first_name", "last_name", "email", "custom.customer_no",
                                                "custom.birthday", "custom.size", None]
    assert problems == []
    accounts, _ = sheet.propose(["Nom", "Ville"], record_type="account", custom_definitions={})
    assert [c["proposed"] for c in accounts] == ["name", "city"]


def test_empty_and_duplicate_headers_are_reported():
    columns, problems = sheet.propose(["Email", "", "E-MAIL", "email ", None], record_type="contact",
                                      custom_definitions={})
    assert [(p["code"], p["column"], p.get("first")) for p in problems] == [
        ("import_header_empty", "B", None), ("import_header_duplicate", "C", "A"),
        ("import_header_duplicate", "D", "A")]
    assert [(c["column"], c["proposed"]) for c in columns] == [("A", "email"), ("C", None), ("D", None)]


@pytest.mark.parametrize("value,expected", [
    ("20261206", "2026-12-06"), (20261206, "2026-12-06"), (20261206.0, "2026-12-06"), ("2026-12-06", "2026-12-06"),
    ("2026/12/6", "2026-12-06"), ("2026-12-06T10:00:00", "2026-12-06"), (date(2026, 12, 6), "2026-12-06"),
    (datetime(2026, 12, 6, 23, 59), "2026-12-06"), ("25/12/2026", "2026-12-25"), ("12/25/2026", "2026-12-25"),
    ("05/05/2026", "2026-05-05"),
])
def test_unambiguous_dates_are_read(value, expected):
    assert sheet.parse_date(value) == (expected, None)


@pytest.mark.parametrize("value,code", [
    ("03/04/2026", "import_date_ambiguous"), ("12/11/2026", "import_date_ambiguous"),
    ("20261306", "import_date_invalid"), ("31/02/2026", "import_date_invalid"), (45000, "import_date_invalid"),
    ("demain", "import_date_invalid"), (True, "import_date_invalid"),
])
def test_ambiguous_and_invalid_dates_are_refused(value, code):
    assert sheet.parse_date(value) == (None, code)


def test_row_data_converts_cells_by_field():
    mapping = [(0, "first_name"), (1, "phone"), (2, "subscribed"), (3, "status"), (4, "custom.size"),
               (5, "custom.birthday")]
    data, errors = sheet.row_data(("  Émile ", 5142223333.0, "oui", "Inactif", 12.0, "03/04/2026"), mapping, CUSTOM)
    assert data == {"first_name": "Émile", "phone": "5142223333", "subscribed": True, "status": "inactive",
                    "custom": {"size": 12}}
    assert errors == {"custom.birthday": "import_date_ambiguous"}


def test_workbook_reports_formulas_without_cached_values(tmp_path):
    path = _xlsx(tmp_path, [["Email", "Nom"], ["a@example.com", "=1+1"], [None, None], ["b@example.com", "B"]])
    with sheet.Workbook(path) as book:
        assert book.headers == ["Email", "Nom"] and book.formulas and book.dimension_rows == 4
        rows = list(book.rows())
    assert [(number, missing) for number, _, missing in rows] == [(2, (1,)), (4, ())]


def test_row_reasons_exist_in_both_languages():
    assert messages.text("import_key_ambiguous", "fr", {"count": 2}).startswith("La clé correspond à 2")
    assert messages.text("Not a valid email address.", "en") == "Not a valid email address"
    assert all(len(pair) == 2 and all(pair) for pair in messages.TEXTS.values())


def test_a_formula_with_a_cached_value_reads_as_that_value(tmp_path):
    path = _xlsx(tmp_path, [["Email", "Nom"], ["a@example.com", "=UPPER(\"x\")"]])
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    sheet_part = "xl/worksheets/sheet1.xml"
    # what Excel saves: the formula and its computed value (openpyxl writes an empty one)
    parts[sheet_part] = parts[sheet_part].replace(b"</f><v></v></c>", b"</f><v>X</v></c>").replace(
        b'<c r="B2"', b'<c r="B2" t="str"')
    cached = _zip(tmp_path, parts, name="cached.xlsx")
    with sheet.Workbook(cached) as book:
        assert book.formulas
        assert [(number, row, missing) for number, row, missing in book.rows()] == [(2, ("a@example.com", "X"), ())]
