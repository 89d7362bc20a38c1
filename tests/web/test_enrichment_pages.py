"""Enrichment pages (C-6, issue 12 "enrichment proposals with checkboxes"): the "Enrich" action of a contact's record,
the proposals page and applying chosen fields, with their flash in French and English, on the web suite's system.

This suite's system has no site to read (no test-only enrichment settings): the proposals page is shown here with a
free-mail address (nothing proposed, its message), and the proposals with their checkboxes are shown by
tests/e2e_contacts/test_enrichment.py, whose system reads a local site. Applying needs no lookup: the form posts the
chosen fields as the proposals page does."""
from conftest import add_member, ok, web_login
from support.http import sign_up


def _contact(org, **fields):
    return ok(org["admin"].post("/contacts", json={"list_ids": [org["shared"]], **fields}), 201)


def _enrich_links(page, contact_id):
    return page.css(f'a[href="/app/contacts/{contact_id}/enrichment"]')


def test_the_enrich_action_shows_on_a_contact_with_an_email_to_a_caller_who_may_write(base_url, org):
    with_email, without = _contact(org, email="ana@acme.test"), _contact(org, last_name="Sans courriel")
    admin = web_login(base_url, org["user"]["username"], language="fr")
    assert [a.text_content() for a in _enrich_links(admin.get(f"/app/contacts/{with_email['id']}"),
                                                    with_email["id"])] == ["Enrichir"]
    assert _enrich_links(admin.get(f"/app/contacts/{without['id']}"), without["id"]) == []
    reader = add_member(org, modules={"contacts": {"read": True}}, flags={"all_contacts": True})
    web = web_login(base_url, reader["user"]["username"])
    page = web.get(f"/app/contacts/{with_email['id']}")
    assert page.status == 200 and _enrich_links(page, with_email["id"]) == []
    # the API is the judge: the reader's post is refused and nothing is written
    refused = web.post(f"/app/contacts/{with_email['id']}/enrichment", {"field": "title", "value.title": "X",
                                                                          "version": "1"})
    assert refused.status == 403
    assert ok(org["admin"].get(f"/contacts/{with_email['id']}"))["title"] is None


def test_a_free_mail_address_proposes_nothing_with_its_message_in_both_languages(base_url, org):
    contact = _contact(org, email="ana@gmail.com")
    for language, text in (("fr", "fournisseur de courriel gratuit"), ("en", "free-mail provider")):
        page = web_login(base_url, org["user"]["username"], language=language).get(
            f"/app/contacts/{contact['id']}/enrichment")
        assert page.status == 200
        assert text in page.one("p.enrichment-outcome").text_content()
        assert page.css("input[name=field]") == []


def test_applying_chosen_fields_flashes_and_the_history_names_the_source(base_url, org):
    for language, flash, event in (("fr", "Enrichissement appliqué : 2 champ(s)", "Enrichi de données publiques"),
                                   ("en", "Enrichment applied: 2 field(s)", "Enriched from public data")):
        contact = _contact(org, email="ana@acme.test", first_name="Ana")
        web = web_login(base_url, org["user"]["username"], language=language)
        page = web.post(f"/app/contacts/{contact['id']}/enrichment", {
            "field": ["title", "city"], "value.title": "Présidente", "value.city": "Montréal",
            "value.last_name": "Not chosen", "version": str(contact["version"]), "source": "https://acme.test/"})
        assert page.status == 303 and page.location.endswith(f"/app/contacts/{contact['id']}")
        record = web.follow(page)
        assert flash in record.body_text
        assert event in " ".join(record.texts("table.history td"))
        assert "https://acme.test/" in " ".join(record.texts("table.history td"))
        stored = ok(org["admin"].get(f"/contacts/{contact['id']}"))
        assert (stored["title"], stored["city"], stored["last_name"]) == ("Présidente", "Montréal", None)


def test_a_stale_version_shows_the_conflict_on_the_proposals_page(base_url, org):
    contact = _contact(org, email="ana@gmail.com")
    ok(org["admin"].patch(f"/contacts/{contact['id']}", json={"title": "Changed"}))
    web = web_login(base_url, org["user"]["username"], language="en")
    page = web.post(f"/app/contacts/{contact['id']}/enrichment", {"field": "title", "value.title": "Présidente",
                                                                  "version": str(contact["version"])})
    assert page.status == 409
    assert "changed since you read it" in page.one("div.error-summary").text_content()
    assert ok(org["admin"].get(f"/contacts/{contact['id']}"))["title"] == "Changed"


def test_another_organizations_contact_and_one_outside_the_callers_lists_are_not_found(base_url, org):
    contact = _contact(org, email="ana@acme.test")
    _, other = sign_up(base_url)
    member = add_member(org)   # the contact goes to a list this member has not
    ok(org["admin"].put(f"/contacts/{contact['id']}/lists", json={"list_ids": [org["closed"]]}))
    for username in (other["user"]["username"], member["user"]["username"]):
        web = web_login(base_url, username)
        assert web.get(f"/app/contacts/{contact['id']}/enrichment").status == 404
        assert web.post(f"/app/contacts/{contact['id']}/enrichment", {"field": "title", "value.title": "X",
                                                                      "version": "1"}).status == 404
    assert ok(org["admin"].get(f"/contacts/{contact['id']}"))["title"] is None
