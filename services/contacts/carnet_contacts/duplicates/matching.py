"""Duplicate matching (C-20), pure logic: normalisation, blocking keys and a scored similarity with its reasons.

Two records are compared only when they share a *blocking key* (``blocking_keys``): their normalised email
(``e:``), their email's domain unless it is a free-mail one (``d:``, an account's website domain too), the last
10 main digits of a phone, extension dropped (``p:``, C-3), and their accent- and case-folded name with its
tokens sorted (swapped first and last names give the same key) plus the city (``n:``). A key shared by more
records than ``DUPLICATES_MAX_KEY_RECORDS`` is not discriminating and is ignored by whoever blocks with it (the
scan's SQL, the check's queries). A pair sharing a key is then scored (``score``) from 0 to 100:

- the names' similarity (rapidfuzz ``token_sort_ratio`` of the folded names: typos, accents, swapped names)
  weighs up to 50 points; a pair where either record has no name gets a neutral 25;
- the same email adds 45, the same phone 30, the same non-free-mail domain 10, the same city 10.

So a typo in the name with the same email and city scores ~95, swapped names with the same phone ~90, two
colleagues sharing a switchboard number and a domain ~65 (below the default threshold ``DUPLICATES_MIN_SCORE``,
70), and two homonyms of one city 60. ``reasons`` names what matched, one code per kind, each tied to the fields
it reveals (``REASON_FIELDS``) so that the gateway drops the reasons a caller may not read (S-3).
"""
import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from carnet_contacts import norms
from carnet_contracts import duplicates as contract

# Free-mail and Internet-provider domains: a person's address there says nothing about their company. A
# subdomain of one (``ca.yahoo.com``) is one too.
FREE_MAIL_DOMAINS = frozenset("""
gmail.com googlemail.com hotmail.com hotmail.ca hotmail.fr hotmail.co.uk outlook.com outlook.fr outlook.ca
live.com live.ca live.fr msn.com yahoo.com yahoo.ca yahoo.fr yahoo.co.uk ymail.com rocketmail.com aol.com
icloud.com me.com mac.com proton.me protonmail.com protonmail.ch pm.me gmx.com gmx.net gmx.de gmx.fr mail.com
zoho.com fastmail.com tutanota.com hey.com yandex.com yandex.ru qq.com 163.com videotron.ca videotron.qc.ca
sympatico.ca bell.net bellnet.ca cgocable.ca cogeco.ca cogeco.net rogers.com shaw.ca telus.net sasktel.net
eastlink.ca orange.fr free.fr laposte.net sfr.fr wanadoo.fr bluewin.ch web.de
""".split())
# Words that say a name is a company's, not which company (accounts: "Acme inc." and "ACME Ltée" match).
COMPANY_WORDS = frozenset("inc ltd ltee llc corp co cie enr senc sa sas sarl gmbh limited limitee the la le".split())
CONTACT_PHONES, ACCOUNT_PHONES = contract.CONTACT_PHONES, contract.ACCOUNT_PHONES
TOKEN = re.compile(r"[a-z0-9]+")
MIN_PHONE_DIGITS = 7  # shorter numbers (a typo, "0", an extension alone) block nothing

NAME_POINTS, NO_NAME_POINTS = 50, 25
POINTS = {"same_email": 45, "same_phone": 30, "same_domain": 10, "same_city": 10}
# What each reason shows of the two records (S-3), shared with the gateway, which drops the reasons a caller may not
# read (``carnet_contracts.duplicates``).
REASON_FIELDS = contract.REASON_FIELDS
SIMILAR_NAME = 80  # token_sort_ratio from which names count as a reason (``similar_name``)


def email_key(value):
    """``"  Marie.Roy@Example.COM "`` → ``"marie.roy@example.com"``; not an address → ``""``."""
    text = norms.fold(value).replace(" ", "")
    local, at, domain = text.rpartition("@")
    return text if at and local and "." in domain else ""


def is_free_mail(domain):
    return any(domain == free or domain.endswith("." + free) for free in FREE_MAIL_DOMAINS)


def domain_of(value):
    """The domain of an email address or a web site (``www.`` dropped), ``""`` for a free-mail one."""
    text = norms.fold(value).replace(" ", "")
    if "@" in text:
        domain = email_key(text).rpartition("@")[2]
    else:
        domain = re.sub(r"^[a-z]+://", "", text).split("/")[0].split(":")[0]
    domain = domain.removeprefix("www.").strip(".")
    return "" if "." not in domain or is_free_mail(domain) else domain


def phone_key(value):
    """The last 10 main digits of a phone (extension and non-digits dropped, C-3); ``""`` when too short."""
    digits = norms.phone_digits(value)
    return digits[-10:] if len(digits) >= MIN_PHONE_DIGITS else ""


def name_tokens(*values, company=False):
    tokens = TOKEN.findall(norms.fold(" ".join(v for v in values if v)))
    if company:
        tokens = [t for t in tokens if t not in COMPANY_WORDS] or tokens
    return tuple(sorted(tokens))


@dataclass(frozen=True)
class Profile:
    """What matching reads of one record (a stored one or a candidate's field values), normalised once."""
    name: str            # folded name tokens, sorted, space separated
    emails: frozenset
    domains: frozenset
    phones: frozenset
    city: str


def profile(record_type, record):
    """The ``Profile`` of a contact or account given as a dict of its field values (missing fields are empty)."""
    get = record.get
    if record_type == "contact":
        name = name_tokens(get("first_name"), get("last_name"))
        phones, sites = CONTACT_PHONES, ()
    else:
        name = name_tokens(get("name"), company=True)
        phones, sites = ACCOUNT_PHONES, (get("website"),)
    emails = {email_key(get("email"))} - {""}
    return Profile(name=" ".join(name), emails=frozenset(emails),
                   domains=frozenset({domain_of(v) for v in (get("email"), *sites) if v} - {""}),
                   phones=frozenset({phone_key(get(f)) for f in phones} - {""}), city=norms.fold(get("city")))


def blocking_keys(prof):
    """The keys under which a record is compared with others (see the module's docstring)."""
    keys = {f"e:{e}" for e in prof.emails} | {f"d:{d}" for d in prof.domains} | {f"p:{p}" for p in prof.phones}
    if prof.name and prof.city:
        keys.add(f"n:{prof.name}|{prof.city}")
    return keys


# The best score of a pair sharing only keys of one kind (the other kinds' reasons then cannot hold): a kind whose
# best is below the threshold never makes a pair alone, so neither the scan nor the check blocks on it (at the
# default 70, two homonyms of one city, 60, are not probable duplicates: the ``n:`` key then serves nothing).
BEST_SCORE = {"e": NAME_POINTS + POINTS["same_email"] + POINTS["same_city"],
              "p": NAME_POINTS + POINTS["same_phone"] + POINTS["same_city"],
              "d": NAME_POINTS + POINTS["same_domain"] + POINTS["same_city"],
              "n": NAME_POINTS + POINTS["same_city"]}


def useful_kinds(min_score):
    """The key kinds (``e``, ``d``, ``p``, ``n``) that can make a pair scoring ``min_score`` or more."""
    return frozenset(kind for kind, best in BEST_SCORE.items() if best >= min_score)


def score(a, b):
    """``(score 0..100, reasons)`` of two profiles; reasons in a stable order."""
    reasons = []
    if a.name and b.name:
        similarity = fuzz.token_sort_ratio(a.name, b.name)
        points = NAME_POINTS * similarity / 100
        if similarity == 100:
            reasons.append("same_name")
        elif similarity >= SIMILAR_NAME:
            reasons.append("similar_name")
    else:
        points = NO_NAME_POINTS
    if a.emails & b.emails:
        reasons.append("same_email")
    if a.phones & b.phones:
        reasons.append("same_phone")
    if a.domains & b.domains:
        reasons.append("same_domain")
    if a.city and a.city == b.city:
        reasons.append("same_city")
    points += sum(POINTS.get(reason, 0) for reason in reasons)
    return min(100, round(points)), reasons


readable_reasons = contract.readable_reasons
