"""Contact records in Chromium (issue 11: "the record page …; create and edit forms with per-field errors from the
API's problem+json; the delete conversation (preview, choices for dependents), the trash and restore"; "the core
forms with JavaScript disabled"): in French and in English a person creates a contact (a validation error first,
then fixed), views it, edits it, deletes it through the conversation and restores it from the trash; with
JavaScript off the same forms post and redirect. Every step is checked against ``/api/v1``."""
import re

import pytest
from conftest import ApiClient, ok, sign_up, unique
from playwright.sync_api import expect

TEXTS = {
    "fr": {"first_name": "Prénom", "last_name": "Nom", "email": "Courriel", "phone": "Téléphone",
           "account": "Compte", "city": "Ville", "save": "Enregistrer", "edit": "Modifier", "delete": "Supprimer",
           "confirm": "Supprimer vers la corbeille", "trash": "Corbeille", "restore": "Restaurer",
           "menu": "Menu principal", "new_title": "Nouveau contact", "created": "Le contact est créé.",
           "saved": "Vos modifications sont enregistrées.", "deleted": "Le contact est dans la corbeille.",
           "restored": "Restauré de la corbeille.", "offer": "C'est le dernier contact de Bois Francs Inc."},
    "en": {"first_name": "First name", "last_name": "Last name", "email": "Email", "phone": "Phone",
           "account": "Account", "city": "City", "save": "Save", "edit": "Edit", "delete": "Delete",
           "confirm": "Delete to the trash", "trash": "Trash", "restore": "Restore", "menu": "Main menu",
           "new_title": "New contact", "created": "The contact is created.", "saved": "Your changes are saved.",
           "deleted": "The contact is in the trash.", "restored": "Restored from the trash.",
           "offer": "It is the last contact of Bois Francs Inc."},
}
RECORD_URL = re.compile(r".*/app/contacts/[0-9a-f-]{36}$")


def _organization(base_url, language):
    admin, created = sign_up(base_url, client_class=ApiClient)
    ok(admin.patch(f"/users/{created['user']['id']}", json={"language": language}))
    shared = ok(admin.post("/lists", json={"name": "Clients", "access_all_users": True}), 201)
    account = ok(admin.post("/accounts", json={"name": "Bois Francs Inc.", "list_ids": [shared["id"]]}), 201)
    return admin, created["user"], account


def _label(page, text):
    return page.get_by_label(text, exact=True)


def _create_with_an_error_then_fixed(tab, words, last_name, *, checked=True):
    page = tab.goto("/app/contacts/new")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["new_title"])
    if checked:
        tab.check_page()
    _label(page, words["first_name"]).fill("Lise")
    _label(page, words["last_name"]).fill(last_name)
    _label(page, words["email"]).fill("pas-un-courriel")
    _label(page, words["phone"]).fill("514-222-3333 x444")
    _label(page, words["account"]).select_option(label="Bois Francs Inc.")
    page.get_by_role("button", name=words["save"]).click()
    expect(page.locator(".error-summary[role=alert]")).to_be_visible()
    expect(_label(page, words["email"])).to_have_attribute("aria-invalid", "true")
    expect(_label(page, words["last_name"])).to_have_value(last_name)
    if checked:
        tab.check_page()
        tab.shoot("contact-form")
    _label(page, words["email"]).fill("lise@example.com")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(RECORD_URL)
    expect(page.get_by_role("status")).to_have_text(words["created"])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lise {last_name}")
    return page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_contact_is_created_viewed_edited_deleted_and_restored(open_tab, base_url, language):
    words = TEXTS[language]
    admin, user, account = _organization(base_url, language)
    last_name = unique("Gagnon")
    tab = open_tab(language)
    tab.sign_in(user["username"])
    page = _create_with_an_error_then_fixed(tab, words, last_name)
    contact_id = page.url.rsplit("/", 1)[1]
    stored = ok(admin.get(f"/contacts/{contact_id}"))
    assert stored["email"] == "lise@example.com" and stored["account_id"] == account["id"]
    # The record: the phone dials (C-23), the account is a link.
    expect(page.locator("dd.field-phone a")).to_have_attribute("href", "tel:+1-514-222-3333;ext=444")
    expect(page.locator("dd.field-account_id a")).to_have_attribute("href", f"/app/accounts/{account['id']}")
    tab.check_page()
    tab.shoot("contact-record")
    # Its account's page lists it, with the form for another contact of the account.
    page.locator("dd.field-account_id a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bois Francs Inc.")
    expect(page.locator("#contacts tbody")).to_contain_text(last_name)
    tab.check_page()
    page.locator("#contacts tbody").get_by_role("link", name=f"Lise {last_name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lise {last_name}")

    page.locator(".page-head").get_by_role("link", name=words["edit"]).click()
    expect(_label(page, words["city"])).to_be_visible()
    tab.check_page()
    _label(page, words["city"]).fill("Lévis")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(RECORD_URL)
    expect(page.get_by_role("status")).to_have_text(words["saved"])
    expect(page.locator("dd.field-city")).to_have_text("Lévis")
    expect(page.locator("table.history")).to_contain_text("Lévis")
    tab.check_page()
    assert ok(admin.get(f"/contacts/{contact_id}"))["city"] == "Lévis"

    # The delete conversation: the offer to delete its account too (left unchecked), then the trash.
    page.locator(".page-head").get_by_role("link", name=words["delete"]).click()
    expect(page.get_by_label(words["offer"])).not_to_be_checked()
    tab.check_page()
    page.get_by_role("button", name=words["confirm"]).click()
    page.wait_for_url("**/app/contacts")
    expect(page.get_by_role("status")).to_have_text(words["deleted"])
    tab.check_page()
    assert admin.get(f"/contacts/{contact_id}").status_code == 404
    assert ok(admin.get(f"/accounts/{account['id']}"))["id"] == account["id"]

    page.get_by_role("navigation", name=words["menu"]).get_by_role("link", name=words["trash"]).click()
    row = page.locator("table.trash tbody tr", has_text=last_name)
    expect(row).to_have_count(1)
    tab.check_page()
    tab.shoot("trash")
    row.get_by_role("button", name=re.compile(words["restore"])).click()
    page.wait_for_url(RECORD_URL)
    expect(page.get_by_role("status")).to_have_text(words["restored"])
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Lise {last_name}")
    tab.check_page()
    assert ok(admin.get(f"/contacts/{contact_id}"))["city"] == "Lévis"


def test_without_javascript_a_contact_is_created_after_an_error_and_edited(open_tab, base_url):
    words = TEXTS["fr"]
    admin, user, _ = _organization(base_url, "fr")
    last_name = unique("Roy")
    tab = open_tab("fr", javascript=False)
    tab.sign_in(user["username"])
    page = _create_with_an_error_then_fixed(tab, words, last_name, checked=False)
    contact_id = page.url.rsplit("/", 1)[1]
    page.locator(".page-head").get_by_role("link", name=words["edit"]).click()
    _label(page, words["city"]).fill("Rimouski")
    page.get_by_role("button", name=words["save"]).click()
    page.wait_for_url(RECORD_URL)
    expect(page.get_by_role("status")).to_have_text(words["saved"])
    expect(page.locator("dd.field-city")).to_have_text("Rimouski")
    stored = ok(admin.get(f"/contacts/{contact_id}"))
    assert (stored["city"], stored["email"], stored["last_name"]) == ("Rimouski", "lise@example.com", last_name)
