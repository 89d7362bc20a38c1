"""The archive checks of an uploaded workbook (C-19, N-1), before any XML of it is parsed.

An ``.xlsx`` is a ZIP of XML parts. openpyxl checks no zip bombs and reads what it is given, so the file is refused
here first, with a reason its sender can act on:
- not a ZIP: an OLE compound file (``D0 CF 11 E0``) is either an ``.xls`` (415) or an ``.xlsx`` protected by a
  password, which Excel stores encrypted inside such a file (``EncryptedPackage`` stream; 422: remove the password);
  anything else (a CSV renamed ``.xlsx``) is 415;
- a ZIP that cannot be read (truncated, corrupt central directory): 422 ``import_corrupt``;
- too many entries, too large once uncompressed, or an entry compressed past ``max_ratio`` (a zip bomb): 422;
- a ZIP without ``[Content_Types].xml`` and ``xl/workbook.xml`` (a Numbers file, a renamed archive): 415.
Declared sizes bound what is read: Python's ``zipfile`` never inflates an entry past its declared size (and a CRC
mismatch fails it), so the totals checked here hold while openpyxl reads. External entities cannot resolve:
openpyxl parses through defusedxml when it is installed, which ``DEFUSED`` asserts at import.
"""
import zipfile
from dataclasses import dataclass

import openpyxl

CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# Small entries compress well past any sane ratio (a sheet of empty styled cells); the ratio counts above this.
RATIO_FLOOR_BYTES = 1024 * 1024
DEFUSED = openpyxl.DEFUSEDXML
assert DEFUSED, "openpyxl must parse through defusedxml (no external entities, no entity expansion)"


@dataclass(frozen=True)
class ArchiveLimits:
    max_entries: int = 10_000
    max_total_bytes: int = 1024 * 1024 * 1024
    max_ratio: int = 200


class Refused(Exception):
    """The upload is not a workbook this import reads: ``status`` (415 or 422), ``code`` (a catalogue key) and
    ``params`` for its message."""

    def __init__(self, status, code, **params):
        super().__init__(code)
        self.status, self.code, self.params = status, code, params


def check_archive(path, limits=ArchiveLimits()):
    """Refused (see the module's docstring) unless the file at ``path`` is a ZIP safe to hand to openpyxl."""
    with open(path, "rb") as file:
        head = file.read(8)
        if head.startswith(CFB_SIGNATURE):
            if _has_encrypted_package(file):
                raise Refused(422, "import_password_protected")
            raise Refused(415, "import_xls")
    if not head.startswith(ZIP_SIGNATURE):
        raise Refused(415, "import_not_xlsx")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused(422, "import_corrupt") from None
    if len(entries) > limits.max_entries:
        raise Refused(422, "import_archive_entries", limit=limits.max_entries)
    if sum(entry.file_size for entry in entries) > limits.max_total_bytes:
        raise Refused(422, "import_archive_too_large", limit=limits.max_total_bytes)
    for entry in entries:
        if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise Refused(422, "import_archive_ratio", limit=limits.max_ratio)
    names = {entry.filename for entry in entries}
    if not all(part in names for part in REQUIRED_PARTS):
        raise Refused(415, "import_not_xlsx")


def _has_encrypted_package(file, chunk=1024 * 1024):
    """Whether an OLE compound file names an ``EncryptedPackage`` stream (its directory holds UTF-16 names, at no
    fixed place): an encrypted OOXML package, not a legacy ``.xls``. Read in chunks that overlap by a name's length."""
    file.seek(0)
    tail = b""
    while data := file.read(chunk):
        if ENCRYPTED_STREAM in tail + data:
            return True
        tail = data[-len(ENCRYPTED_STREAM):]
    return False
