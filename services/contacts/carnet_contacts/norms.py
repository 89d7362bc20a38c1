"""Normalisation shared by the stored search columns and the search terms, so both fold the same way.

Lower case, accents removed (NFKD minus combining marks) and the ligatures PostgreSQL's ``unaccent``
also expands; phones reduced to their main digits (C-3).
"""
import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d",
                           "þ": "th", "ı": "i"})
# An extension at the end of a number: "x444", "× 444", "ext. 444", "poste 444", "#444".
EXTENSION = re.compile(r"\s*(?:x|×|ext\.?|extension|poste|p\.|#)\s*\d{1,8}\s*$", re.IGNORECASE)
SPACES = re.compile(r"\s+")


def fold(value):
    """``"  Émile  DUPRÉ "`` → ``"emile dupre"``; None → ``""``."""
    if not value:
        return ""
    text = unicodedata.normalize("NFKD", str(value).lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(LIGATURES)
    return SPACES.sub(" ", text).strip()


def fold_all(*values):
    return " ".join(part for part in (fold(v) for v in values) if part)


def phone_digits(value):
    """Main digits of a phone as typed: extension dropped, non-digits dropped, a leading NANP 1 dropped."""
    if not value:
        return ""
    digits = re.sub(r"\D", "", EXTENSION.sub("", str(value)))
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def phones_digits(*values):
    """Every phone of a record, space separated: one trigram-indexed column serves them all."""
    return " ".join(d for d in (phone_digits(v) for v in values) if d)


def contact_norms(contact, account):
    """The derived columns of a contact (``account`` is its account row or None)."""
    account = account or {}
    has_account = bool(account)
    return {
        "search_norm": fold_all(contact.get("first_name"), contact.get("last_name"), contact.get("email"),
                                account.get("name")),
        "title_norm": fold(contact.get("title")),
        "email_norm": fold(contact.get("email")),
        "phone_digits": phones_digits(contact.get("phone"), contact.get("mobile"), contact.get("fax"),
                                      contact.get("other_phone")),
        "eff_city_norm": fold(account.get("city") if has_account else contact.get("city")),
        "eff_street_norm": fold(account.get("street") if has_account else contact.get("street")),
    }


def account_norms(account):
    return {
        "search_norm": fold_all(account.get("name"), account.get("email")),
        "phone_digits": phones_digits(account.get("phone"), account.get("fax")),
        "city_norm": fold(account.get("city")),
        "street_norm": fold(account.get("street")),
    }
