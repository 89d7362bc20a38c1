"""A campaign in Chromium, in French and in English (issue 13): contacts in a list and a ready sending domain (made
through the API), then in the pages: the campaigns list, the builder (a list ticked, the content, the sender's
address in the verified domain), the counters by "Count" (htmx), the draft saved, sent after the confirmation, its
progress followed until every recipient is sent (htmx polling), and its report; every page checked (CSP, console,
axe WCAG 2.1 AA) and photographed. The relay counts one message per recipient."""
import re

import pytest
from conftest import ok
from playwright.sync_api import expect
from support.campaigns import contacts_in_list, ready_domain

TEXTS = {
    "fr": {"new": "Nouvelle campagne", "count": "Compter", "save": "Enregistrer le brouillon", "send": "Envoyer",
           "report": "Rapport", "list": "Partagée"},
    "en": {"new": "New campaign", "count": "Count", "save": "Save the draft", "send": "Send", "report": "Report",
           "list": "Partagée"},
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_user_builds_sends_and_reads_a_campaign(open_tab, stack, org, relay, dns_zone, language):
    words = TEXTS[language]
    admin = org["admin"]
    ok(admin.patch(f"/users/{org['user']['id']}", json={"language": language}))
    domain = ready_domain(stack, admin, dns_zone)
    people = contacts_in_list(admin, org["shared"], 3)

    tab = open_tab(language)
    page = tab.sign_in(org["user"]["username"])
    tab.goto("/app/campaigns")
    tab.check_page()
    tab.shoot("campaigns-list")

    page.get_by_role("link", name=words["new"]).click()
    expect(page.locator("h1")).to_have_text(words["new"])
    page.locator("#f-name").fill(f"Infolettre {language}")
    page.get_by_label(words["list"]).check()
    page.get_by_role("button", name=words["count"]).click()
    expect(page.locator('#counters [data-counter="selected"]')).to_have_text("3")
    page.locator("#f-subject").fill("Bonjour {{ first_name }}")
    page.locator("#f-html").fill("<p>Bonjour {{ first_name }}, voici nos nouvelles.</p>")
    page.locator("#f-text").fill("Bonjour {{ first_name }}, voici nos nouvelles.")
    page.locator("#f-from_name").fill("Acme")
    page.locator("#f-from_local").fill("nouvelles")
    page.locator("#f-from_domain").select_option(domain)
    tab.check_page()
    tab.shoot("campaign-builder")

    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator("h1")).to_contain_text(f"Infolettre {language}")
    expect(page.locator('#counters [data-counter="selected"]')).to_have_text("3")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=words["send"], exact=True).click()
    expect(page.locator("#progress [data-status]")).to_have_attribute("data-status", "sent", timeout=30_000)
    expect(page.locator('#progress [data-count="done"]')).to_contain_text("3")
    tab.check_page()
    tab.shoot("campaign-progress")

    page.get_by_role("link", name=words["report"], exact=True).click()
    expect(page).to_have_url(re.compile(r"/report$"))
    tab.check_page()
    tab.shoot("campaign-report")
    for person in people:
        assert len(relay.to(person["email"])) == 1
