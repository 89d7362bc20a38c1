"""Documents (C-21, DOC-1..DOC-5): what a file may be, shared by the gateway (which receives the bytes) and the contacts
service (which keeps the names: a rename may not turn a PDF into ``.exe``).

DOC-4: office documents, PDFs, images, audio, video and text are accepted; executables and scripts are refused,
judged by extension (``refused_extension``: every suffix of the name, so ``report.exe.pdf`` is refused too) **and**
by content (``sniff``: the first bytes of the file), so a renamed executable is refused too. The accepted list is an
allow-list: an unknown extension is refused as well, since a type we do not know is one we cannot vouch for.

DOC-3: ``MAX_BYTES`` (100 MB) per file. Pure functions, no I/O: unit-tested in
services/contacts/tests/unit/test_documents_filetypes.py.
"""
import re

from marshmallow import fields, validate
from nameko.exceptions import deserialize_to_instance

from carnet_common.contracts import Contract, text
from carnet_common.errors import CarnetError

MAX_BYTES = 100 * 1024 * 1024   # DOC-3: one file is at most 100 MB
SNIFF_BYTES = 8192              # what ``sniff`` reads of a file's start
NAME_MAX = 200

# Executables and scripts (DOC-4's list and more): refused wherever they appear among a name's suffixes.
REFUSED = frozenset("""
exe com scr pif cpl msi msp mst msc dll sys ocx drv efi bin run app apk ipa deb rpm dmg pkg
bat cmd ps1 psm1 psd1 ps1xml vbs vbe js jse mjs cjs wsf wsh wsc hta sct lnk url inf reg scf
sh bash zsh csh ksh fish command tool py pyc pyo pyw pl pm rb php phtml php3 php4 php5 phar cgi
jar class war ear jnlp elf so dylib ko out xbe gadget chm vb vba appref-ms application
""".split())

# Accepted types (DOC-4), by extension: the content type the download announces.
ACCEPTED = {
    # office documents
    "doc": "application/msword", "dot": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text", "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation", "rtf": "application/rtf",
    "pdf": "application/pdf",
    # images
    "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
    "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff", "heic": "image/heic", "svg": "image/svg+xml",
    # audio
    "mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "oga": "audio/ogg", "m4a": "audio/mp4",
    "flac": "audio/flac", "aac": "audio/aac", "opus": "audio/opus",
    # video
    "mp4": "video/mp4", "m4v": "video/mp4", "mov": "video/quicktime", "webm": "video/webm", "avi": "video/x-msvideo",
    "mkv": "video/x-matroska", "mpeg": "video/mpeg", "mpg": "video/mpeg",
    # text
    "txt": "text/plain", "csv": "text/csv", "md": "text/markdown", "ics": "text/calendar", "vcf": "text/vcard",
    # archives of the above are not accepted: a zip could carry anything
}

# Content sniffing: magic numbers of executables, whatever the name says.
_MAGIC = (
    (b"MZ", "pe"),                                   # Windows PE / DOS executable
    (b"\x7fELF", "elf"),                             # Linux ELF
    (b"\xfe\xed\xfa\xce", "mach-o"), (b"\xfe\xed\xfa\xcf", "mach-o"),
    (b"\xce\xfa\xed\xfe", "mach-o"), (b"\xcf\xfa\xed\xfe", "mach-o"),
    (b"\xca\xfe\xba\xbe", "java-class-or-mach-o"),   # Java class file, or a universal Mach-O
    (b"#!", "script"),                               # any interpreter script
    (b"\x00asm", "wasm"),
    (b"dex\n", "dex"),
)
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"            # OLE compound file: .doc/.xls/.ppt, but also .msi
# Text heuristics: the openings of scripts that Windows runs by extension (batch, PowerShell, VBScript, HTA/JS).
_SCRIPT_TEXT = re.compile(
    rb"(?im)^\s*(?:@echo\s+off|echo\s+off\b|set\s+\w+=|powershell(?:\.exe)?\s+-|invoke-expression\b|iex\s*\(|"
    rb"\$\w+\s*=\s*new-object\b|new-object\s+(?:-typename\s+)?(?:system\.net\.webclient|-comobject)|"
    rb"createobject\s*\(\s*\"wscript\.|wscript\.(?:shell|echo)|set\s+\w+\s*=\s*createobject|"
    rb"on\s+error\s+resume\s+next)"
    # anywhere in the text: an HTA application, or a script in markup (an SVG or HTML that runs code)
    rb"|(?i:<hta:application|<script\b)")


def extension(name):
    """The last suffix of ``name``, lower case, or ''."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base.strip(".") else ""


def refused_extension(name):
    """Why ``name`` is refused by its suffixes (DOC-4), or None: any suffix that is an executable's or a script's
    (``invoice.exe.pdf`` included: some mail clients and unzip tools strip the last), or a last suffix that is not an
    accepted type."""
    base = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].lower()
    parts = [p.strip() for p in base.split(".")[1:]]
    if any(part in REFUSED for part in parts):
        return "executable_extension"
    if extension(name) not in ACCEPTED:
        return "unsupported_extension"
    return None


def content_type(name):
    return ACCEPTED.get(extension(name), "application/octet-stream")


def sniff(head):
    """What ``head`` (the first ``SNIFF_BYTES`` of a file) reveals of an executable or script, or None: magic numbers
    (PE ``MZ``, ELF, Mach-O, Java class, ``#!``, wasm, dex), an OLE compound file holding an installer's streams
    (an .msi; a .doc or .xls is one too, without them), a zip naming ``META-INF/`` or ``.class`` entries (a .jar),
    and text whose lines open as a batch, PowerShell, VBScript or HTA script does, whatever the extension."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head.startswith(CFB) and _cfb_installer(head):
        return "msi"
    if head.startswith(b"PK\x03\x04") and _jar(head):
        return "jar"
    sample = head.lstrip(b"\xef\xbb\xbf")  # a UTF-8 BOM
    if _mostly_text(sample) and _SCRIPT_TEXT.search(sample):
        return "script-text"
    return None


def _cfb_installer(head):
    # MSI databases keep their tables in streams whose UTF-16 directory names start with these; an installer's
    # summary also names "Installation Database". Both show in the first sectors of a small or typical .msi.
    return any(marker in head for marker in (
        "Installation Database".encode(), "Windows Installer".encode(), "\u4840\u3f3f".encode("utf-16-le"),
        "MsiDigitalSignature".encode("utf-16-le")))


def _jar(head):
    # A jar's first entry is normally META-INF/ or META-INF/MANIFEST.MF; any .class entry also gives it away.
    return b"META-INF/" in head or b".class" in head


def _mostly_text(sample):
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: PowerShell saves so; check it decoded
        return True
    printable = sum(1 for byte in sample[:2048] if byte >= 32 or byte in (9, 10, 13))
    return printable >= 0.95 * min(len(sample), 2048)


def refusal(name, head):
    """The message key refusing a file (DOC-4) from its name and first bytes, or None when it is accepted."""
    by_name = refused_extension(name)
    if by_name:
        return by_name
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head = head.decode("utf-16").encode()
        except UnicodeDecodeError:
            pass
    return "executable_content" if sniff(head) else None


def name_refusal(name):
    """A new name of a stored document: the extension rule only (its content was checked on upload)."""
    return refused_extension(name)


@deserialize_to_instance
class StorageQuotaExceeded(CarnetError):
    """DOC-2: the upload would take its uploader past their plan's storage (S-7). 413, with ``quota``, ``usage``
    and ``size`` (bytes) in its params, which the gateway also gives as members of the problem body. Registered with
    nameko, so the contacts service raising it makes the gateway's proxy raise it."""
    status = 413
    slug = "storage-quota-exceeded"
    default_code = "storage_quota_exceeded"


# Shapes the gateway sends and the contacts service loads (docs/conventions.md: one contract on both sides).

class DocumentCreate(Contract):
    """A stored file to register: the gateway wrote the bytes under ``storage_key`` and measured ``size``;
    ``quota`` is the uploader's plan quota in bytes (S-7, from their principal), checked by the service with a row
    lock on their usage (DOC-2)."""
    name = text(max_length=NAME_MAX, required=True)
    size = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_BYTES))
    content_type = fields.String(required=True, validate=validate.Length(max=200))
    storage_key = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9/-]{8,200}$"))
    quota = fields.Integer(required=True, validate=validate.Range(min=0))
    folder_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    contact_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    account_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))


class DocumentUpdate(Contract):
    name = text(max_length=NAME_MAX)
    folder_id = fields.String(allow_none=True, validate=validate.Length(max=64))


class DocumentQuery(Contract):
    folder_id = fields.String(validate=validate.Length(max=64))
    contact_id = fields.String(validate=validate.Length(max=64))
    account_id = fields.String(validate=validate.Length(max=64))


class FolderCreate(Contract):
    name = text(max_length=NAME_MAX, required=True)
    parent_id = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))


class FolderUpdate(Contract):
    name = text(max_length=NAME_MAX)
    parent_id = fields.String(allow_none=True, validate=validate.Length(max=64))


class AttachmentCreate(Contract):
    record_type = fields.String(required=True, validate=validate.OneOf(("contact", "account")))
    record_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
