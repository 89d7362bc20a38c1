"""The audience pages (E-11): the consent section of a contact's page (loaded from /app/audience/contact/<id>: state,
ledger, the form that records a consent, withdrawal; absent without the e-mails module or its permission; another
organization's contact a 404 page) and the suppression list page (add by hand, a bad address shown on its field,
remove a manual entry), in French and English."""
from conftest import ok, web_login
from support.campaigns import contacts_in_list
from support.http import sign_up
from support.orgs import add_member

CONTACTS = {"read": True, "write": True, "delete": True, "export": False}


def test_the_contact_section_records_and_withdraws_consent(base_url, org):
    person = contacts_in_list(org["admin"], org["shared"], 1)[0]
    client = web_login(base_url, org["user"]["username"], language="fr")
    record = client.get(f"/app/contacts/{person['id']}")
    url = f"/app/audience/contact/{person['id']}"
    assert record.one("#contact-consents").get("hx-get") == url
    assert record.one(f'#contact-consents a[href="{url}"]') is not None  # the link without JavaScript
    fragment = client.get(url)
    assert fragment.status == 200 and "aucun" in fragment.one(".consent-state").text_content()

    refused = client.post(f"{url}/consents", {"kind": "implied", "basis": "", "source": "manual", "proof": ""})
    assert refused.status == 422
    assert refused.one('select[name="basis"]').get("aria-invalid") == "true"
    assert "fondement" in refused.one("#f-basis-" + person["id"] + "-error").text_content()

    done = client.post(f"{url}/consents", {"kind": "express", "basis": "", "source": "form",
                                           "proof": "Formulaire infolettre", "expires_at": ""})
    assert done.status == 303 and done.location.endswith(f"/app/contacts/{person['id']}#consents")
    fragment = client.get(url)
    assert "exprès" in fragment.one(".consent-state").text_content()
    assert fragment.texts("table.consents tbody td:nth-child(6)") == ["Formulaire infolettre"]
    action = fragment.one("table.consents form").get("action")
    assert client.post(action, {}).status == 303
    english = web_login(base_url, org["user"]["username"], language="en").get(url)
    assert "none" in english.one(".consent-state").text_content()
    assert "Withdrawn on" in english.body_text

    # another organization's user: the 404 page; a role without e-mails: no section, and 403 on the fragment
    _, created = sign_up(base_url)
    assert web_login(base_url, created["user"]["username"]).get(url).status == 404
    reader = add_member(org, modules={"contacts": CONTACTS}, flags={"all_contacts": True})
    without = web_login(base_url, reader["user"]["username"])
    assert without.get(f"/app/contacts/{person['id']}").css("#contact-consents") == []
    assert without.get(url).status == 403


def test_the_suppression_list_page(base_url, org):
    client = web_login(base_url, org["user"]["username"], language="en")
    page = client.get("/app/suppressions")
    assert page.status == 200 and page.one("h1").text_content().strip() == "Suppression list"
    bad = client.post("/app/suppressions", {"email": "not an address"})
    assert bad.status == 422 and bad.one("#f-email").get("aria-invalid") == "true"
    added = client.post("/app/suppressions", {"email": "Gone@Example.test"})
    assert added.status == 303
    page = client.follow(added)
    assert page.texts("table.suppressions tbody td:first-child") == ["Gone@Example.test"]
    assert "Gone@Example.test will not be mailed again." in page.body_text
    assert client.get("/app/suppressions?q=nothing-like-it").css("table.suppressions") == []
    assert ok(org["admin"].get("/suppressions"))["items"][0]["email"] == "Gone@Example.test"
    removed = client.post("/app/suppressions/remove", {"email": "gone@example.test"})
    assert removed.status == 303 and client.follow(removed).css("table.suppressions") == []
    french = web_login(base_url, org["user"]["username"], language="fr").get("/app/suppressions")
    assert french.one("h1").text_content().strip() == "Liste de suppression"
