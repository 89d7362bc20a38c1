"""A published form embedded in another site, in Chromium, in French and in English (F-2, F-4, F-5): a page served
from another origin (a small HTTP server on loopback, another port: another origin) holds only the snippet; the
embed script renders the form in the visitor's language (a "both" form, the browser's locale), checks a missing
required field on its own (the server's words), shows the server's 422 on its field, posts with CORS to the gateway
and shows the thank-you. The site's
page passes what every page must (no console error, axe WCAG 2.1 AA) with the form in it, and the submission is
accepted, not quarantined: the honeypot stayed empty, the origin is one the form allows."""
import http.server
import threading

import pytest
from conftest import ok, unique
from playwright.sync_api import expect
from support.forms import published_form

from carnet_testing import eventually

WORDS = {
    "fr": {"email": "Courriel", "first_name": "Prénom", "consent": "J'accepte de recevoir l'infolettre.",
           "send": "Envoyer", "required": "Ce champ est obligatoire.", "thanks": "Merci!", "phone": "Téléphone",
           "bad_phone": "Entrez un numéro de téléphone valide."},
    "en": {"email": "Email", "first_name": "First name", "consent": "I agree to receive the newsletter.",
           "send": "Send", "required": "This field is required.", "thanks": "Thank you!", "phone": "Phone",
           "bad_phone": "Enter a valid phone number."},
}


class Site:
    """A page of another origin (``http://127.0.0.2:<port>/``, a thread's HTTP server): ``url``, and ``html``, what
    it answers."""

    def __init__(self):
        site = self
        self.html = ""

        class Page(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path != "/":
                    self.send_error(404)
                    return
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Page)
        self.url = f"http://127.0.0.2:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def another_site():
    site = Site()
    yield site
    site.close()


def snippet_page(language, snippet):
    return (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>Boutique</title></head>'
            f'<body><main><h1>Boutique</h1>{snippet}</main></body></html>')


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_visitor_fills_the_embedded_form_on_another_site(open_tab, org, another_site, base_url, language):
    words = WORDS[language]
    admin = org["admin"]
    form = published_form(admin, org["shared"], name=unique("embed"), allowed_origins=[another_site.url],
                          consent={"enabled": True, "text": {"fr": WORDS["fr"]["consent"],
                                                             "en": WORDS["en"]["consent"]}})
    snippet = ok(admin.get(f"/forms/{form['id']}/embed"))["snippet_html"]
    assert base_url in snippet and form["key"] in snippet
    another_site.html = snippet_page(language, snippet)
    tab = open_tab(language)
    page = tab.page
    page.goto(another_site.url + "/")
    email = page.get_by_label(words["email"])
    expect(email).to_be_visible()
    consent = page.get_by_label(words["consent"])
    expect(consent).not_to_be_checked()  # never ticked for the visitor (E-11)
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_text(words["required"])).to_be_visible()
    expect(email).to_have_attribute("aria-invalid", "true")
    tab.check_page()
    address = f"{unique('embed')}@example.com"
    email.fill(address)
    page.get_by_label(words["first_name"]).fill("<b>Camille</b>")
    phone = page.get_by_label(words["phone"])
    phone.fill("pas un numéro")  # the server's check (422), shown on its field in the form's language
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_text(words["bad_phone"])).to_be_visible()
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(email).not_to_have_attribute("aria-invalid", "true")
    phone.fill("514 555-0199")
    consent.check()
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status").filter(has_text=words["thanks"])).to_be_visible()
    tab.check_page()
    items = eventually(lambda: ok(admin.get(f"/forms/{form['id']}/submissions"))["items"], what="the submission")
    assert [(item["status"], item["channel"], item["data"]["email"]) for item in items] == [
        ("accepted", "embed", address)]
    assert items[0]["data"]["first_name"] == "<b>Camille</b>" and items[0]["consent"]["checked"] is True
    assert items[0]["meta"]["origin"] == another_site.url


def test_the_hosted_page_works_without_script(open_tab, org):
    """F-2: the form's own page (``/f/<key>``) holds no script (its CSP allows none): an empty post shows the errors on
    their fields (422, the form's language), then the thank-you page; each page accessible (axe WCAG 2.1 AA)."""
    language = "fr"  # the embed's test covers both languages; this page's structure is the same in each
    words = WORDS[language]
    form = published_form(org["admin"], org["shared"], name=unique("hosted"), language=language)
    tab = open_tab(language)
    page = tab.goto(f"/f/{form['key']}")
    assert page.locator("script").count() == 0
    tab.check_page()
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("alert")).to_contain_text(words["email"])
    expect(page.get_by_label(words["email"])).to_have_attribute("aria-invalid", "true")
    tab.check_page()
    page.get_by_label(words["email"]).fill(f"{unique('hosted')}@example.com")
    page.get_by_role("button", name=words["send"]).click()
    expect(page.get_by_role("status")).to_have_text(words["thanks"])
    tab.check_page()
