"""User journeys of the web client in a real browser (issue 11): Debian's Chromium driven by Playwright (its own
fixtures below, never ``playwright install``), against the real system started as ``make run`` starts it.

Every page a journey opens is checked for what every page must hold (``check_page``): no Content-Security-Policy
violation and no console error, zero axe-core violations of WCAG 2.1 A/AA. Journeys write screenshots to
``docs/screenshots/`` (``shoot``), which the README links to.
"""
import os
import re
import shutil
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import eventlet  # noqa: F401

from playwright.sync_api import sync_playwright  # noqa: E402
from support import orgs, system  # noqa: E402
from support.http import PASSWORD, ApiClient, create_user, login, ok, sign_up, unique  # noqa: E402, F401

CHROMIUM = os.environ.get("CARNET_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
EXPECTED_STATUS = re.compile(r"Failed to load resource: the server responded with a status of (401|403|404|409|422)")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Before any page script: collect CSP violations (reported by the browser as events, not console errors only).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '')); });
"""

# EXPORT_SYNC_MAX_ROWS=1: the lists journey's export of two contacts is a job it follows to the download.
start_stack = system.stack_starter(LOG_LEVEL="WARNING", SIGNUP_MAX_PER_ADDRESS=100_000, SIGNUP_MAX_TOTAL=100_000,
                                   EXPORT_SYNC_MAX_ROWS=1)
stack = system.session_stack_with_mail(start_stack)
relay, dns_zone = system.relay, system.dns_zone  # campaigns (issue 13): what was sent, the domains' records
base_url = system.base_url
org, member = orgs.org, orgs.member
add_member = orgs.add_member


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield launched
        launched.close()


class Tab:
    """One browser context and page, in a language, with what every journey checks on every page it opens."""

    def __init__(self, context, base_url, language):
        self.context, self.base_url, self.language = context, base_url, language
        self.page = context.new_page()
        self.console_errors = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _console(self, message):
        # A 4xx answer the page shows (a refused login, a form's 422) is logged by Chromium as a failed load.
        if message.type == "error" and not EXPECTED_STATUS.match(message.text):
            self.console_errors.append(message.text)

    def goto(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, username, password=PASSWORD):
        """Through the login form, as a person would."""
        self.goto("/app/login")
        self.page.get_by_label("Nom d'utilisateur" if self.language == "fr" else "Username").fill(username)
        self.page.get_by_label("Mot de passe" if self.language == "fr" else "Password").fill(password)
        self.page.get_by_role("button", name="Se connecter" if self.language == "fr" else "Log in").click()
        self.page.wait_for_url(lambda url: "/app/login" not in url)
        self.page.wait_for_load_state()
        return self.page

    def check_page(self):
        """What every page must hold: no CSP violation, no console error, no WCAG 2.1 AA violation."""
        from axe_playwright_python.sync_playwright import Axe
        self.page.wait_for_load_state()
        assert self.page.evaluate("window.__cspViolations") == []
        assert self.console_errors == [], self.console_errors
        assert self.page.locator("html").get_attribute("lang") == self.language
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, results.generate_report()

    def shoot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{self.language}.png"), full_page=True)
        # A full-page screenshot leaves ``style=""`` on some controls; htmx would carry it onto the next swapped page,
        # where the CSP refuses style attributes. The page as the user has it has none.
        self.page.evaluate("() => document.querySelectorAll('[style=\"\"]').forEach(e => e.removeAttribute('style'))")


@pytest.fixture
def open_tab(browser, base_url):
    """``open_tab(language, javascript=True)``: a fresh browser context (no cookie) in French or English."""
    contexts = []

    def open_(language="fr", javascript=True):
        context = browser.new_context(locale="fr-CA" if language == "fr" else "en-CA",
                                      timezone_id="America/Toronto", java_script_enabled=javascript,
                                      viewport={"width": 1280, "height": 900})
        context.add_init_script(CSP_LISTENER)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return Tab(context, base_url, language)

    yield open_
    for context in contexts:
        context.close()
