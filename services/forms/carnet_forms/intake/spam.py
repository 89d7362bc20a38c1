"""The anti-spam rules of a submission (F-4) that need nothing but the submission: pure functions, the reasons a
submission is quarantined (never dropped). The checks that need state (a render token's nonce in Redis, a captcha's
verifier) are the use case's; it passes their outcome in.

A reason is ``{"code", "detail"}`` (``detail`` a short text or None); codes are shown in the quarantine in French
and English by the gateway (catalogs/forms.py). By channel:
- ``embed`` (the script): every rule;
- ``html`` (a plain ``<form>`` post): no ``token_missing`` — a hand-written form cannot carry a render token — but
  a token it does carry is checked, and honeypot, heuristics and origin still apply;
- ``webhook``: authenticated by its signature (``usecases.submit_webhook``), so no render token, origin or captcha;
  the content's rules still apply.
"""
import re
import unicodedata

from carnet_common.contracts import UNSTORABLE

HONEYPOT_FIELD = "_hp"
MAX_LINKS = 2               # more URLs than this across the text fields: ``too_many_links``
CHARSET_MIN_LETTERS = 6     # fewer letters than this say nothing about the script
CHARSET_MAX_FOREIGN = 0.5   # share of letters outside the Latin script above which a fr/en form's answer is suspect
NAMES_SHOWN, NAME_SHOWN = 20, 64   # unknown names in a reason's detail (a bot may post hundreds, or long ones)
TOKEN_REASONS = ("token_missing", "token_invalid", "token_reused", "token_expired", "too_fast")
CAPTCHA_REASONS = ("captcha_missing", "captcha_failed", "captcha_unavailable")
CODES = ("honeypot", *TOKEN_REASONS, "origin_not_allowed", *CAPTCHA_REASONS, "too_many_links", "charset_mismatch",
         "unknown_fields")

_URL = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)")


def reason(code, detail=None):
    """A reason; its detail as text PostgreSQL can store (a bot's field names may hold NUL)."""
    return {"code": code, "detail": None if detail is None else UNSTORABLE.sub("", str(detail))}


def honeypot_filled(value):
    """Whether the hidden field a person never sees holds anything (a bot fills every input)."""
    if value is None or value is False:
        return False
    return str(value).strip() != ""


def count_links(texts):
    return sum(len(_URL.findall(text)) for text in texts if isinstance(text, str))


def foreign_share(texts):
    """``(letters, share)``: how many letters the texts hold and the share of them outside the Latin script."""
    letters = foreign = 0
    for text in texts:
        if not isinstance(text, str):
            continue
        for char in text:
            if not char.isalpha():
                continue
            letters += 1
            if not unicodedata.name(char, "").startswith("LATIN"):
                foreign += 1
    return letters, (foreign / letters if letters else 0.0)


def _texts(values):
    """The string values of ``values`` (a multi-choice's items included)."""
    for value in values.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))


def assess(*, channel, honeypot=None, token_reason=None, origin_allowed=None, captcha_reason=None, posted=None,
           clean=None, unknown=(), token_age=None):
    """The reasons to quarantine a submission (empty: accept it).

    ``posted`` the values as sent (their texts count links: a spammer's URL in a field the form does not have
    counts too), ``clean`` the form's values as validated (their script is checked), ``unknown`` the names of the
    posted fields the form does not have, ``token_reason`` ``tokens.check``'s (or ``token_reused``),
    ``origin_allowed`` the gateway's verdict on the page's origin (None: not known), ``captcha_reason`` the use
    case's (``captcha_missing``/``captcha_failed``/``captcha_unavailable``) or None."""
    found = []
    if honeypot_filled(honeypot):
        found.append(reason("honeypot"))
    if channel != "webhook" and token_reason is not None:
        if token_reason not in TOKEN_REASONS:
            raise ValueError(token_reason)
        if not (channel == "html" and token_reason == "token_missing"):
            found.append(reason(token_reason, f"{token_age:.1f}s" if token_reason == "too_fast" and token_age
                                is not None else None))
    if channel != "webhook" and origin_allowed is False:
        found.append(reason("origin_not_allowed"))
    if channel != "webhook" and captcha_reason is not None:
        if captcha_reason not in CAPTCHA_REASONS:
            raise ValueError(captcha_reason)
        found.append(reason(captcha_reason))
    links = count_links(_texts(posted or {}))
    if links > MAX_LINKS:
        found.append(reason("too_many_links", links))
    letters, share = foreign_share(_texts(clean or {}))
    if letters >= CHARSET_MIN_LETTERS and share > CHARSET_MAX_FOREIGN:
        found.append(reason("charset_mismatch", f"{share:.0%}"))
    if unknown:
        names = [name[:NAME_SHOWN] for name in sorted(unknown)]
        more = len(names) - NAMES_SHOWN
        found.append(reason("unknown_fields", ", ".join(names[:NAMES_SHOWN]) + (f" (+{more})" if more > 0 else "")))
    return found
