"""Duplicates (C-20): the candidate a check before a create takes, the review queue's query and the pair a dismiss
names, as ``/api/v1`` takes them and the contacts service loads them again."""
from carnet_common.contracts import Contract, identifier, text
from carnet_contracts.values import page_field, per_page_field


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
