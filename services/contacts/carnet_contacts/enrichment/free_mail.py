"""Free-mail domains (C-6, C-20): an address at one of them says nothing about its owner's company, so enrichment
never reads their home page. The list is the duplicates area's (``duplicates/matching.py``, where a shared domain
is no sign of a duplicate either): one list for both."""
from carnet_contacts.duplicates.matching import FREE_MAIL_DOMAINS as FREE_MAIL_DOMAINS
from carnet_contacts.duplicates.matching import is_free_mail as _is_free_mail


def email_domain(email):
    """The lower-cased domain of ``email`` (``None`` without one)."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().strip(".").lower()
    return domain or None


def is_free_mail(domain):
    """``gmail.com``, and a subdomain of one (``ca.yahoo.com``)."""
    return _is_free_mail((domain or "").lower())
