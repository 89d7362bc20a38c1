"""Free-mail domains (C-6, C-20): an address at one of them says nothing about its owner's company, so enrichment
never reads their home page and duplicate detection never blocks on them. One list, imported by both areas."""

FREE_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.ca", "hotmail.fr", "hotmail.co.uk", "outlook.com",
    "outlook.fr", "live.com", "live.ca", "live.fr", "msn.com", "yahoo.com", "yahoo.ca", "yahoo.fr", "yahoo.co.uk",
    "ymail.com", "rocketmail.com", "aol.com", "icloud.com", "me.com", "mac.com", "gmx.com", "gmx.net", "gmx.fr",
    "gmx.de", "web.de", "mail.com", "protonmail.com", "proton.me", "pm.me", "zoho.com", "yandex.com", "yandex.ru",
    "mail.ru", "free.fr", "orange.fr", "wanadoo.fr", "laposte.net", "sfr.fr", "videotron.ca", "sympatico.ca",
    "bell.net", "rogers.com", "shaw.ca", "telus.net", "cogeco.ca", "qq.com", "163.com", "126.com", "hey.com",
    "fastmail.com", "tutanota.com", "tuta.io",
})


def email_domain(email):
    """The lower-cased domain of ``email`` (``None`` without one)."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].strip().strip(".").lower()
    return domain or None


def is_free_mail(domain):
    return (domain or "").lower() in FREE_MAIL_DOMAINS
