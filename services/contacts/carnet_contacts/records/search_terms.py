"""The search language of C-11, C-3 and C-24, parsed without I/O into terms the repository turns into SQL.

``marie tremblay p:514-222 c:"trois rivieres" e:gmail.com id:<uuid> s:inactive``: plain terms match first name,
last name, email or account name; prefixed terms one field; every term must match. ``s:`` names the records' status
(C-24: ``active``, ``inactive`` or ``all``, in French ``actif``, ``inactif``, ``tous``); a search without it (nor a
``status`` criterion) shows active records only (``records/usecases.py``: ``status_asked``).

What a term reads (S-3, issue 10 §1): ``reach`` names the fields each kind of term compares, as the criteria name
them (``phone``, ``account.city`` on a contact). A prefixed term needs every field it ``needs`` readable: otherwise
it is refused (``refused``: the 403 names the first field the caller may not read), never answered 1 or 0, which
would let a hidden phone be rebuilt digit by digit. A plain term (and ``e:`` on an account, whose stored column
holds the name too) compares only the fields of its ``reads`` the caller may read (``skipped`` lists the others).
"""
import re
from dataclasses import dataclass

from carnet_common.errors import InvalidInput
from carnet_contacts import norms

PREFIXES = {"t": "title", "p": "phone", "c": "city", "a": "street", "e": "email", "id": "id", "r1": "rep1",
            "r2": "rep2", "s": "status"}
# C-24: what ``s:`` takes (folded), in English and French; ``all`` asks for active and inactive records alike.
STATUS_VALUES = {"active": "active", "actif": "active", "inactive": "inactive", "inactif": "inactive", "all": "all",
                 "tous": "all"}
TOKEN = re.compile(r'(?:(?P<prefix>[A-Za-z][A-Za-z0-9]*):)?(?:"(?P<quoted>[^"]*)"?|(?P<bare>\S+))')
MAX_TERMS = 12
# Below three characters a trigram index cannot help: such a term matches the start of a word.
SHORT = 3


@dataclass(frozen=True)
class Reach:
    needs: tuple    # fields the caller must be able to read, else the term is refused (403)
    reads: tuple    # fields the term's stored column holds: those the caller may not read are skipped


_CONTACT_TEXT = ("first_name", "last_name", "email", "account_name")
REACH = {
    "contact": {"text": Reach((), _CONTACT_TEXT), "title": Reach(("title",), ("title",)),
                "phone": Reach(("phone", "mobile", "fax", "other_phone"), ("phone", "mobile", "fax", "other_phone")),
                "email": Reach(("email",), ("email",)),
                # the account's city and street, else the contact's own (C-11, http-api)
                "city": Reach(("city", "account.city"), ("city", "account.city")),
                "street": Reach(("street", "account.street"), ("street", "account.street")),
                "rep1": Reach(("rep1_id",), ("rep1_id",)), "rep2": Reach(("rep2_id",), ("rep2_id",)),
                "status": Reach(("status",), ("status",)), "id": Reach((), ())},
    "account": {"text": Reach((), ("name", "email")), "phone": Reach(("phone", "fax"), ("phone", "fax")),
                "email": Reach(("email",), ("name", "email")),
                "city": Reach(("city",), ("city",)), "street": Reach(("street",), ("street",)),
                "rep1": Reach(("rep1_id",), ("rep1_id",)), "rep2": Reach(("rep2_id",), ("rep2_id",)),
                "status": Reach(("status",), ("status",)), "id": Reach((), ())},
}
MODULES = {"contact": "contacts", "account": "accounts"}


def reach(record_type, term):
    """What ``term`` reads on ``record_type``; None when the term does not apply there (``t:`` on accounts)."""
    return REACH[record_type].get(term.kind)


def permission_key(record_type, field):
    """The S-3 key of a field a term reads: ``phone`` → ``contacts.phone``, ``account.city`` → ``accounts.city``."""
    if field.startswith("account."):
        return "accounts." + field[len("account."):]
    return f"{MODULES[record_type]}.{field}"


def may_read(unreadable, key):
    """``key`` is readable unless it, or its whole module, is among the caller's ``unreadable`` keys."""
    return key not in unreadable and key.split(".", 1)[0] not in unreadable


def refused(record_type, term, unreadable):
    """The first field ``term`` needs that the caller may not read (None when it may read them all)."""
    found = reach(record_type, term)
    return next((f for f in found.needs if not may_read(unreadable, permission_key(record_type, f))), None)


def skipped(record_type, term, unreadable):
    """The fields of the term's stored column the caller may not read (the term compares the others only)."""
    found = reach(record_type, term)
    return frozenset(f for f in found.reads if not may_read(unreadable, permission_key(record_type, f)))


@dataclass(frozen=True)
class Term:
    kind: str       # text, title, phone, city, street, email, id, rep1, rep2, status
    value: str      # already folded (or digits, or the raw id; active, inactive or all for a status)

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
    if kind == "status":
        status = STATUS_VALUES.get(norms.fold(raw))
        if status is None:
            raise InvalidInput(errors={"q": ["search_status_value"]})
        return Term("status", status)
    value = norms.fold(raw)
    return Term(kind, value) if value else None


def like_contains(value):
    """A ``LIKE`` pattern finding ``value`` anywhere, with the pattern characters escaped."""
    return "%" + escape_like(value) + "%"


def escape_like(value):
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
