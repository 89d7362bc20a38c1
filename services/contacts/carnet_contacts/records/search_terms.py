"""The search language of C-11 and C-3, parsed without I/O into terms the repository turns into SQL.

``marie tremblay p:514-222 c:"trois rivieres" e:gmail.com id:<uuid>``: plain terms match first name,
last name, email or account name; prefixed terms one field; every term must match.
"""
import re
from dataclasses import dataclass

from carnet_common.errors import InvalidInput
from carnet_contacts import norms

PREFIXES = {"t": "title", "p": "phone", "c": "city", "a": "street", "e": "email", "id": "id", "r1": "rep1",
            "r2": "rep2"}
TOKEN = re.compile(r'(?:(?P<prefix>[A-Za-z][A-Za-z0-9]*):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S+))')
MAX_TERMS = 12
# Below three characters a trigram index cannot help: such a term matches the start of a word.
SHORT = 3


@dataclass(frozen=True)
class Term:
    kind: str       # text, title, phone, city, street, email, id, rep1, rep2
    value: str      # already folded (or digits, or the raw id)

    @property
    def short(self):
        return self.kind != "id" and len(self.value) < SHORT


def parse(q):
    """Terms of ``q``; a wrong term is a 422 on ``q``. Unknown prefixes (``http:``) are plain text."""
    terms = []
    for match in TOKEN.finditer(q or ""):
        prefix = (match.group("prefix") or "").lower()
        raw = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
        if prefix and prefix not in PREFIXES:
            raw, prefix = f"{match.group('prefix')}:{raw or ''}", ""
        term = _term(PREFIXES.get(prefix, "text"), raw or "")
        if term is not None:
            terms.append(term)
    if len(terms) > MAX_TERMS:
        raise InvalidInput(errors={"q": ["search_too_many_terms"]}, params={"max": MAX_TERMS})
    return terms


def _term(kind, raw):
    if kind == "phone":
        digits = norms.phone_digits(raw)
        if not digits:
            raise InvalidInput(errors={"q": ["search_phone_digits"]})
        return Term("phone", digits)
    if kind == "id":
        raw = raw.strip()
        return Term("id", raw[:64]) if raw else None
    value = norms.fold(raw)
    return Term(kind, value) if value else None


def like_contains(value):
    """A ``LIKE`` pattern finding ``value`` anywhere, with the pattern characters escaped."""
    return "%" + escape_like(value) + "%"


def escape_like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
