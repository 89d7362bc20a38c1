"""The web client's texts and formats (issue 11: "every message has its French and English text; a test fails on a
missing one"; N-5): every key a template or a page module names is in the one catalogue (``messages.MESSAGES``,
shared with the API's errors) with both texts; numbers, money and dates read as each language writes them."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask, g

from carnet_gateway import messages
from carnet_gateway.web import i18n

WEB = Path(i18n.__file__).resolve().parent
# t("key"), t('key'), t("key", param=...), flash("key"), i18n.t("key"), error_page(…, "key")
KEY_USE = re.compile(r"""\b(?:t|flash)\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""")


def _uses():
    found = {}
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, path.relative_to(WEB).as_posix())
    return found


def test_the_pages_name_keys_and_the_scan_finds_them():
    uses = _uses()
    assert {"nav.contacts", "auth.login", "auth.logged_out"} <= set(uses)


def test_every_key_a_page_names_has_its_english_and_french_text():
    missing = {key: where for key, where in _uses().items()
               if key not in messages.MESSAGES or not all(text.strip() for text in messages.MESSAGES[key])}
    assert missing == {}


def test_every_page_text_of_the_catalogue_has_both_languages():
    page_keys = [key for key in messages.MESSAGES if "." in key]
    assert page_keys
    for key in page_keys:
        english, french = messages.MESSAGES[key]
        assert english.strip() and french.strip(), key
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", french)), key


@pytest.fixture
def in_language():
    app = Flask(__name__)

    def use(language):
        context = app.test_request_context("/app/")
        context.push()
        g.web_language = language
        return context
    contexts = []
    yield lambda language: contexts.append(use(language))
    for context in reversed(contexts):
        context.pop()


def _spaced(text):
    """French groups digits and sets the currency with no-break spaces (U+00A0, U+202F)."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_a_capped_total_reads_10_000_plus_in_french_and_10_000_plus_in_english(in_language):
    in_language("fr")
    assert _spaced(i18n.total({"total": 10000, "total_capped": True})) == "10 000+"
    assert _spaced(i18n.total({"total": 1234, "total_capped": False})) == "1 234"
    in_language("en")
    assert i18n.total({"total": 10000, "total_capped": True}) == "10,000+"


def test_money_is_shown_from_the_exact_decimal_never_through_a_float(in_language):
    in_language("fr")
    assert _spaced(i18n.money("59.97")) == "59,97 $"
    assert _spaced(i18n.money(Decimal("0.1") + Decimal("0.2"))) == "0,30 $"
    in_language("en")
    assert i18n.money("1234567.895") == "$1,234,567.90"  # half-even, as Babel rounds a Decimal
    assert i18n.money(None) == "" and i18n.money("n/a") == "n/a"


def test_a_date_and_time_is_shown_in_the_organizations_zone_with_its_machine_value(in_language):
    in_language("en")
    shown = i18n.when("2026-03-10T14:00:00+00:00", "America/Toronto")
    assert 'datetime="2026-03-10T10:00:00-04:00"' in shown and "10:00" in shown
    in_language("fr")
    assert "10 h 00" in i18n.when("2026-03-10T14:00:00+00:00", "America/Toronto")
    assert i18n.date("2026-03-10") == "10 mars 2026"
