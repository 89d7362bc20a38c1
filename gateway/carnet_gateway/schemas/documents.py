"""HTTP shapes of documents (C-21). The bodies routes load and forward are ``carnet_contracts.documents``' (one
contract on both sides); the upload is ``multipart/form-data`` (``UploadForm``, documented by ``api.Upload``).

A document's name is refused unless its extension is an accepted type and none of its suffixes is an executable's
(DOC-4, ``carnet_contracts.documents.refused_extension``, checked by the contacts service on a rename and by the
upload route): ``NAME_PATTERN`` and ``NO_REFUSED`` state it in JSON Schema words, so that the document calls
valid only the names the server takes (issue 10 §5; tests/api_fuzz/test_document_rules.py compares both).
``DocumentUpdate`` here is the contract with those patterns documented; it loads exactly as the contract does.
"""
from marshmallow import fields, validate

from carnet_common.contracts import Contract, text
from carnet_contracts import documents as contracts
from carnet_contracts.documents import ACCEPTED, NAME_MAX, REFUSED
from carnet_contracts.documents import AttachmentCreate as AttachmentCreate
from carnet_contracts.documents import DocumentQuery as DocumentQuery
from carnet_contracts.documents import FolderCreate as FolderCreate
from carnet_contracts.documents import FolderUpdate as FolderUpdate

ID = {"validate": validate.Length(max=64), "allow_none": True, "load_default": None}
# What ``str.strip`` removes (carnet_gateway.openapi.WHITE_SPACE, spelled out again: openapi imports this package).
_WS = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# ``str.lower`` turns one other character into an ASCII letter: the Kelvin sign into ``k``.
_ALSO_LOWER = {"k": "\u212a"}


def _any_case(word):
    """``word`` (lower case ASCII) in any case, as ``str.lower`` compares it; no flags exist in JSON Schema."""
    return "".join(f"[{c}{c.upper()}{_ALSO_LOWER.get(c, '')}]" if c.isalpha() else c for c in word)


def _alternatives(words):
    return "|".join(_any_case(word) for word in sorted(words, key=lambda word: (-len(word), word)))


# DOC-4 (``refused_extension``), for the text as sent: white space around it (trimmed), then the base name (after
# the last ``/`` or ``\``) with something other than a dot before its last dot and a last suffix that is an accepted
# type (``NAME_PATTERN``), and no suffix (between dots, white space around it aside) that is an executable's or a
# script's (``NO_REFUSED``: not ``REFUSED_SUFFIX``). Two patterns, the first without lookahead: schemathesis rewrites
# a pattern's repetitions to reach a length, which a lookahead defeats (then it searches, for seconds per value);
# ``not`` would say the second, but schemathesis 4.32 fails on it beside a multipart file (``Unsupported type``).
_BASE = r"[^/\\]*[^./\\][^/\\]*"
NAME_PATTERN = (
    rf"^[{_WS}]*(?:(?:[^{_WS}][\s\S]*)?[/\\]{_BASE}|[^{_WS}./\\][^/\\]*|\.{_BASE})"
    rf"\.(?:{_alternatives(ACCEPTED)})[{_WS}]*$")
REFUSED_SUFFIX = rf"\.[{_WS}]*(?:{_alternatives(REFUSED)})[{_WS}]*(?:\.[^/\\]*)?$"
NO_REFUSED = rf"^(?![\s\S]*{REFUSED_SUFFIX})"
NAME_RULE = ("Its extension is an accepted type (office documents, PDF, images, audio, video, text) and none of its "
             "suffixes is an executable's or a script's (DOC-4: 422 otherwise).")


class DocumentUpdate(contracts.DocumentUpdate):
    name = text(max_length=NAME_MAX, metadata={"description": f"The new name. {NAME_RULE}",
                                               "allOf": [{"pattern": NAME_PATTERN}, {"pattern": NO_REFUSED}]})


class UploadForm(Contract):
    """The form fields beside the file part ``file`` (an empty field counts as absent)."""
    name = fields.String(validate=validate.Length(min=1, max=200), metadata={
        "description": "The document's name (default: the file part's filename, which must pass the same rule). "
                       f"{NAME_RULE.replace('422', '415')}",
        "allOf": [{"pattern": f"^$|{NAME_PATTERN}"}, {"pattern": NO_REFUSED}]})
    folder_id = fields.String(**ID)
    contact_id = fields.String(**ID, metadata={"description": "Attach to this contact (needs contacts.write)."})
    account_id = fields.String(**ID, metadata={"description": "Attach to this account (needs accounts.write)."})


class Attachment(Contract):
    record_type = fields.String(metadata={"description": "contact or account"})
    record_id = fields.String()


class DocumentRead(Contract):
    id = fields.String()
    name = fields.String()
    size = fields.Integer(metadata={"description": "Bytes"})
    content_type = fields.String()
    folder_id = fields.String(allow_none=True)
    uploaded_by = fields.String()
    attachments = fields.List(fields.Nested(Attachment), metadata={
        "description": "The records it is attached to that the caller sees."})
    download_url = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


class FolderRead(Contract):
    id = fields.String()
    name = fields.String()
    parent_id = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.String()
    updated_at = fields.String()


class UsageRead(Contract):
    usage = fields.Integer(metadata={"description": "Bytes the caller's uploads take (DOC-2)"})
    quota = fields.Integer(metadata={"description": "Bytes their plan allows per user (S-7)"})
