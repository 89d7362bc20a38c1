"""A form in Chromium, in French (F-1…F-5): created from the forms list, built in the builder (a catalogue field added
by its button, the texts, the target list, no minimum fill time), published, its snippet copied by the copy button
(the clipboard holds it), its hosted page opened and filled as a visitor would, and the submission seen in the
form's list and counted in its statistics; every page of the web client checked (CSP, console, axe WCAG 2.1 AA)
and photographed."""
import re

from conftest import ok
from playwright.sync_api import expect


def test_a_user_builds_publishes_and_embeds_a_form_then_sees_its_submission(open_tab, base_url, org):
    admin = org["admin"]
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": "fr"}))
    tab = open_tab("fr")
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = tab.sign_in(org["user"]["username"])
    tab.goto("/app/forms")
    expect(page.locator("h1")).to_have_text("Formulaires")
    tab.check_page()

    page.locator("#f-name").fill("Infolettre du printemps")
    page.get_by_role("button", name="Créer le formulaire").click()
    expect(page.locator("h1")).to_have_text("Formulaire : Infolettre du printemps")
    form_id = re.search(r"/app/forms/([^/#?]+)", page.url).group(1)

    page.locator("#f-language").select_option("fr")
    page.locator("#f-title-fr").fill("Abonnez-vous")
    page.locator("#f-submit_label-fr").fill("S'abonner")
    page.locator("#f-list_id").select_option(org["shared"])
    page.locator("#f-thank_you-message-fr").fill("Merci, à bientôt!")
    page.locator("#f-min_fill_seconds").fill("0")
    page.locator("#f-add_field").select_option("first_name")
    page.get_by_role("button", name="Ajouter le champ").click()
    expect(page.locator("tr[data-field=first_name]")).to_be_visible()
    expect(page.locator("#f-title-fr")).to_have_value("Abonnez-vous")   # the other values were saved with it
    page.locator("#f-fields-1-required").check()
    tab.check_page()
    tab.shoot("form-builder")

    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.locator("#status")).to_contain_text("Formulaire publié (version 1).")
    expect(page.locator("tr[data-version='1']")).to_be_visible()

    page.get_by_role("link", name="Intégration").click()
    expect(page.locator("h1")).to_have_text("Intégration : Infolettre du printemps")
    snippet = page.locator("#f-snippet").input_value()
    key = re.search(r'data-carnet-form="([^"]+)"', snippet).group(1)
    page.get_by_role("button", name="Copier : HTML à coller là où va le formulaire").click()
    expect(page.locator("form-copy[data-for=f-snippet] [role=status]")).to_have_text("Copié.")
    assert page.evaluate("() => navigator.clipboard.readText()") == snippet
    tab.check_page()
    tab.shoot("form-embed")

    visitor = open_tab("fr")
    public = visitor.goto(f"/f/{key}")
    public.get_by_label("Courriel").fill("lea@example.com")
    public.get_by_label("Prénom").fill("Léa")
    public.get_by_role("button", name="S'abonner").click()
    expect(public.get_by_text("Merci, à bientôt!")).to_be_visible()

    tab.goto(f"/app/forms/{form_id}/submissions")
    row = page.locator("tr[data-id]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("lea@example.com")
    expect(row).to_contain_text("Léa")
    tab.check_page()
    tab.shoot("form-submissions")

    page.get_by_role("link", name="Statistiques").click()
    expect(page.locator("[data-count=submissions]")).to_have_text("1")
    tab.check_page()
