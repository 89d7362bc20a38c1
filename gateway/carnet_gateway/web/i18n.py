"""The page's language and how values read in it (N-5). One catalogue: page texts are keys of ``messages.MESSAGES``
(``catalogs/web_*.py``), the same catalogue as the API's errors, so ``t("nav.contacts")`` and a problem's
``detail`` come from one place. A test fails on a key a template uses that has no French or English text.

Language: the signed-in user's profile (``PATCH /users/{id}`` ``language``), else the ``carnet_lang`` cookie (the
switch before login), else ``Accept-Language``, else French. ``<html lang>`` follows it.
"""
import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import g, request
from markupsafe import Markup

from carnet_gateway import messages

LANGS = ("fr", "en")
LANG_COOKIE = "carnet_lang"
LOCALES = {"fr": "fr_CA", "en": "en_CA"}


def register(blueprint):
    blueprint.before_request(_choose)


def register_globals(app):
    """What templates (and the macros they import, which see no context) call."""
    from carnet_gateway.web import pages, session
    app.jinja_env.globals.update(t=t, lang=language, number=number, money=money, date=date, when=when,
                                 total=total, csrf_token=session.csrf_token, navigation=pages.navigation,
                                 flashes=pages.flashes)


def _choose():
    from carnet_gateway.web import session
    principal = session.principal()
    chosen = ((principal or {}).get("user") or {}).get("language")
    g.web_language = chosen if chosen in LANGS else _without_profile()
    g.language = g.web_language  # problem+json details (problems.language) read the same choice


def _without_profile():
    chosen = request.cookies.get(LANG_COOKIE)
    return chosen if chosen in LANGS else request.accept_languages.best_match(LANGS) or "fr"


def language():
    """Chosen before the page runs; a refusal before that (the per-user cap) reads the cookie and the browser's."""
    return g.get("web_language") or _without_profile()


def t(key, **params):
    """The catalogue's text for ``key`` in the page's language; params are escaped by Jinja where shown."""
    return messages.render(key, language(), params)


def locale():
    return LOCALES[language()]


def number(value):
    return babel_numbers.format_decimal(value, locale=locale())


def total(page):
    """A page's total as people read it: "10 000+" when the API says the count is capped."""
    shown = number(page.get("total", 0))
    return f"{shown}+" if page.get("total_capped") else shown


def money(value, currency="CAD"):
    """An exact decimal (the API sends money as strings) in the page's locale; never through a float."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return babel_numbers.format_currency(amount, currency, locale=locale())


def _parse(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    text = str(value)
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return dt.date.fromisoformat(text)


def date(value):
    if not value:
        return ""
    parsed = _parse(value)
    if isinstance(parsed, dt.datetime):
        parsed = parsed.date()
    return babel_dates.format_date(parsed, format="medium", locale=locale())


def when(value, timezone=None):
    """A date and time in the organization's time zone (N-6)."""
    if not value:
        return ""
    parsed = _parse(value)
    if not isinstance(parsed, dt.datetime):
        return date(parsed)
    if parsed.tzinfo is not None and timezone:
        parsed = parsed.astimezone(ZoneInfo(timezone))
    return Markup('<time datetime="{iso}">{shown}</time>').format(
        iso=parsed.isoformat(), shown=babel_dates.format_datetime(parsed, format="medium", locale=locale()))
