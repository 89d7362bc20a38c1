"""Duplicates (C-20): the candidate a check before a create takes, the review queue's query and the pair a dismiss
names, as ``/api/v1`` takes them and the contacts service loads them again."""
from carnet_common.contracts import Contract, identifier, text
from carnet_contracts.values import page_field, per_page_field

CONTACT_PHONES = ("phone", "mobile", "fax", "other_phone")
ACCOUNT_PHONES = ("phone", "fax")
# The reasons a pair was scored for (the contacts service's ``duplicates/matching.py``), each with the fields whose
# values it reveals equal or alike: shown only to a caller who may read them all (S-3).
REASON_FIELDS = {
    "contact": {"same_email": ("email",), "same_domain": ("email",), "same_phone": CONTACT_PHONES,
                "same_name": ("first_name", "last_name"), "similar_name": ("first_name", "last_name"),
                "same_city": ("city",)},
    "account": {"same_email": ("email",), "same_domain": ("email", "website"), "same_phone": ACCOUNT_PHONES,
                "same_name": ("name",), "similar_name": ("name",), "same_city": ("city",)},
}
REASONS = ("same_name", "similar_name", "same_email", "same_phone", "same_domain", "same_city")


def readable_reasons(record_type, reasons, may_read):
    """The reasons whose fields ``may_read(field)`` allows (S-3: a reason shows that two values are equal)."""
    return [r for r in reasons if all(may_read(field) for field in REASON_FIELDS[record_type].get(r, ()))]


def _value(length, **kwargs):
    return text(allow_none=True, max_length=length, min_length=0, **kwargs)


class ContactCandidate(Contract):
    """The values of a contact about to be created (all optional: a form being filled in); only those matching
    reads (C-20). ``email`` is text, not checked as an address: a half-typed one simply matches nothing."""
    first_name = _value(100)
    last_name = _value(100)
    email = _value(254)
    phone = _value(50, metadata={"example": "514-222-3333 x444"})
    mobile = _value(50)
    fax = _value(50)
    other_phone = _value(50)
    city = _value(100)


class AccountCandidate(Contract):
    """The values of an account about to be created (all optional), as ``ContactCandidate``."""
    name = _value(200)
    email = _value(254)
    phone = _value(50)
    fax = _value(50)
    website = _value(2000)
    city = _value(100)


class QueueQuery(Contract):
    """A page of the review queue; ``record_id``: only that record's pairs."""
    record_id = identifier()
    page = page_field()
    per_page = per_page_field()


class PairBody(Contract):
    """The two records of a pair, in either order."""
    a_id = identifier(required=True)
    b_id = identifier(required=True)
