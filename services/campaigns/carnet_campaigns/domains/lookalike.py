"""Look-alike sending domains (E-6), pure: which domain a candidate imitates, if any.

A domain is refused when, after IDNA decoding (``xn--`` labels), confusable folding (``skeleton``: Cyrillic and Greek
letters that look Latin, rn/nn → m, vv → w, 0 → o, 1/i → l, …) and an edit distance (Damerau–Levenshtein, adjacent
transpositions counted once), its registrable label is within ``threshold`` of a well-known provider's or another
organization's label, with the same top-level domain, or with another one when the labels fold to the same text (a
TLD swap: ``gmail.co``). Labels of four characters or fewer must fold to the same text (``bell`` is not ``belt``);
up to nine, one edit; longer, two. A label mixing scripts (Latin with Cyrillic, say) is refused on its own. The
providers (and their sub-domains) are refused as sending domains: nobody sends campaigns from ``gmail.com``.

``normalize`` turns what a person typed into the stored form (IDNA ASCII, lower case, no trailing dot) or raises
``BadDomain`` with a message key."""
import unicodedata

import idna

# Free-mail and access providers, and brands impersonated most, whose look-alikes are refused.
PROVIDERS = (
    "gmail.com", "googlemail.com", "google.com", "outlook.com", "hotmail.com", "hotmail.ca", "live.com", "live.ca",
    "msn.com", "microsoft.com", "office.com", "yahoo.com", "yahoo.ca", "ymail.com", "icloud.com", "apple.com",
    "aol.com", "protonmail.com", "proton.me", "gmx.com", "gmx.net", "zoho.com", "yandex.com", "fastmail.com",
    "videotron.ca", "videotron.qc.ca", "bell.net", "bell.ca", "sympatico.ca", "rogers.com", "shaw.ca", "telus.net",
    "cogeco.ca", "cgocable.ca", "ebox.ca", "mail.com", "paypal.com", "amazon.com", "desjardins.com",
)
# Public suffixes of two labels (a small list: no public-suffix list is shipped).
TWO_LABEL_SUFFIXES = frozenset({
    "co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.nz", "co.jp", "com.br", "com.mx",
    "co.za", "com.fr", "qc.ca", "on.ca", "bc.ca", "ab.ca", "com.cn", "co.in", "co.il",
})
# Single characters that look like Latin letters (Cyrillic, Greek, full-width digits excluded: IDNA maps them).
CONFUSABLES = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "і": "l", "ї": "l", "ј": "j", "к": "k", "м": "m", "н": "h",
    "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ь": "b",
    "ɡ": "g", "ı": "l", "ł": "l",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "l", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "ω": "w",
}
# Sequences that read as another letter, folded after the single characters (order matters: rn before n).
SEQUENCES = (("rn", "m"), ("nn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"), ("|", "l"),
             ("5", "s"), ("3", "e"))
SCRIPTS = ("LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "HEBREW", "ARABIC", "CJK", "HIRAGANA", "KATAKANA", "HANGUL",
           "THAI", "DEVANAGARI", "GEORGIAN")


class BadDomain(ValueError):
    """``args[0]``: the message key (``invalid_domain``)."""


def normalize(text):
    """The stored form of a domain typed by a person: IDNA ASCII (UTS 46 mapping), lower case, no trailing dot, two
    labels or more, each a valid host label."""
    if not isinstance(text, str):
        raise BadDomain("invalid_domain")
    text = text.strip().rstrip(".")
    if not text or len(text) > 253 or any(c.isspace() or c in "@/:\\" for c in text):
        raise BadDomain("invalid_domain")
    try:
        ascii_name = idna.encode(text, uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError, ValueError):
        raise BadDomain("invalid_domain") from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or labels[-1].isdigit() or not labels[-1].replace("-", "").isalnum():
        raise BadDomain("invalid_domain")
    return ascii_name


def unicode_label(label):
    """The Unicode form of one ASCII label (``xn--`` decoded), or the label itself when it does not decode."""
    if label.startswith("xn--"):
        try:
            return idna.decode(label)
        except (idna.IDNAError, UnicodeError, ValueError):
            try:
                return label[4:].encode("ascii").decode("punycode")
            except UnicodeError:
                return label
    return label


def _script(char):
    if char.isdigit() or char in "-_":
        return None
    name = unicodedata.name(char, "")
    return next((script for script in SCRIPTS if name.startswith(script)), "OTHER")


def mixed_script(label):
    """Whether a (Unicode) label mixes letters of several scripts (``gооgle`` with Cyrillic o's)."""
    return len({s for s in map(_script, label) if s is not None}) > 1


def skeleton(label):
    """The label as it reads: confusable characters and sequences folded to one Latin form, hyphens dropped."""
    folded = "".join(CONFUSABLES.get(c, c) for c in unicodedata.normalize("NFKC", label.lower()))
    folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    for sequence, letter in SEQUENCES:
        folded = folded.replace(sequence, letter)
    return folded.replace("-", "")


def distance(a, b):
    """Damerau–Levenshtein distance (optimal string alignment)."""
    if a == b:
        return 0
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def split(domain):
    """``(registrable label, suffix)`` of an ASCII domain: ``("acme", "co.uk")`` for ``news.acme.co.uk``."""
    labels = domain.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in TWO_LABEL_SUFFIXES:
        return labels[-3], ".".join(labels[-2:])
    return labels[-2], labels[-1]


def threshold(label):
    return 0 if len(label) <= 4 else 1 if len(label) <= 9 else 2


def resembles(candidate, target):
    """Whether the ASCII domain ``candidate`` reads like ``target`` (or is it, or one of its sub-domains)."""
    label, suffix = split(candidate)
    target_label, target_suffix = split(target)
    mine, theirs = skeleton(unicode_label(label)), skeleton(unicode_label(target_label))
    if suffix != target_suffix:
        return mine == theirs
    return distance(mine, theirs) <= threshold(theirs)


def is_provider(domain):
    return any(domain == p or domain.endswith("." + p) for p in PROVIDERS)


def verdict(candidate, other_domains=()):
    """Why ``candidate`` (ASCII, normalized) may not be a sending domain: ``None``, or ``(code, resembled)`` with
    code ``domain_free_mail`` (a provider itself), ``domain_mixed_script`` or ``domain_lookalike``."""
    if is_provider(candidate):
        return "domain_free_mail", candidate
    for target in (*PROVIDERS, *other_domains):
        if resembles(candidate, target):
            return "domain_lookalike", target
    if any(mixed_script(unicode_label(label)) for label in candidate.split(".")):
        return "domain_mixed_script", candidate
    return None
