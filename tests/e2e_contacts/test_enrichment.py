"""Enrichment of a contact (C-6) over HTTP, on the suite's system, whose contacts service reads a local web site run
by the suite (``enrichment_site.py``: a threaded ``http.server`` on 127.0.0.2) through the test-only settings: the
allow-list
``ENRICHMENT_TEST_ALLOW_NETWORKS=127.0.0.2/32`` and ``ENRICHMENT_TEST_CONNECT_TO``, which maps the email domains of
these tests to addresses (``acme.test`` to the site; ``inside.test`` to 127.0.0.1 and ``metadata.test`` to
169.254.169.254, both refused since they are not allow-listed; ``hop.test`` to the site, which redirects to
169.254.169.254).

- Proposals write nothing and hold only readable fields whose values differ; applying goes through the contact's
  update (version, 409) and the history names each change and the source (C-17).
- Nothing found, a free-mail address: nothing proposed, with a message in the caller's language.
- A domain pointing inside, directly or through a redirect: 409 ``enrichment_refused`` on ``email``, logged with
  the address.
- Authorization (S-3, C-13): another organization's contact and one outside the caller's lists are 404; applying
  needs the contacts write permission and each field's; an unreadable field is never proposed and an unreadable
  email never looked up; a primary contact needs the primary contact permission.
"""
import pytest
import sqlalchemy as sa
from conftest import assert_problem, eventually, ok, sign_up
from support.orgs import add_member
from support.web import web_login

from carnet_common.config import sqlalchemy_url


def _contact(client, org, **fields):
    return ok(client.post("/contacts", json={"list_ids": [org["shared"]], **fields}), 201)


def _propose(client, contact, **headers):
    return client.post(f"/contacts/{contact['id']}/enrichment", headers=headers)


def _set_primary(stack, contact_id):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE contacts.contacts SET is_primary = true WHERE id = :id"), {"id": contact_id})
    finally:
        engine.dispose()


def test_proposals_write_nothing_and_the_chosen_ones_are_applied_with_their_source_in_the_history(org):
    admin = org["admin"]
    ok(admin.post("/custom-fields/contacts", json={"key": "linkedin", "type": "url", "label_fr": "LinkedIn",
                                                   "label_en": "LinkedIn"}), 201)
    contact = _contact(admin, org, email="josee@acme.test", first_name="Josee", phone="(514) 555-0100",
                       city="Montréal")
    found = ok(_propose(admin, contact))
    assert (found["outcome"], found["source"], found["version"]) == ("found", "http://acme.test/", contact["version"])
    proposed = {p["field"]: p for p in found["proposals"]}
    # the phone and the city are the record's already (digits, case): not proposed
    assert sorted(proposed) == ["country", "custom.linkedin", "first_name", "last_name", "postal_code", "province",
                                "street", "title", "website"]
    assert proposed["first_name"] == {"field": "first_name", "current": "Josee", "proposed": "Josée", "writable": True}
    assert found["other_facts"] == {"company": "Acme Bois inc.", "facebook": "https://facebook.com/acmebois"}
    assert ok(admin.get(f"/contacts/{contact['id']}")) == contact          # nothing written

    linkedin = proposed["custom.linkedin"]["proposed"]
    chosen = {"first_name": "Josée", "title": "Présidente", "custom": {"linkedin": linkedin}}
    applied = ok(admin.post(f"/contacts/{contact['id']}/enrichment/apply",
                            json={"version": found["version"], "fields": chosen, "source": found["source"]}))
    assert (applied["first_name"], applied["title"], applied["last_name"]) == ("Josée", "Présidente", None)
    assert applied["custom"] == {"linkedin": "https://www.linkedin.com/company/acme-bois"}
    assert applied["version"] == contact["version"] + 1
    history = {e["field"]: e for e in ok(admin.get(f"/contacts/{contact['id']}/history"))}
    assert history["first_name"]["old"] == "Josee" and history["first_name"]["new"] == "Josée"
    assert history["custom.linkedin"]["new"] == "https://www.linkedin.com/company/acme-bois"
    assert history["enrichment"]["new"] == "http://acme.test/"
    # the proposals' version is stale now: 409, nothing written
    again = admin.post(f"/contacts/{contact['id']}/enrichment/apply",
                       json={"version": found["version"], "fields": {"last_name": "Tremblay"}})
    assert_problem(again, 409, code="version_conflict")
    assert ok(admin.get(f"/contacts/{contact['id']}"))["last_name"] is None


@pytest.mark.parametrize("email, outcome, english, french", [
    ("jo@empty.test", "nothing_found", "No public data was found", "Aucune donnée publique"),
    ("jo@gmail.com", "free_mail", "free-mail provider", "courriel gratuit"),
])
def test_nothing_found_proposes_nothing_with_a_message_in_both_languages(org, email, outcome, english, french):
    contact = _contact(org["admin"], org, email=email)
    for language, text in (("en", english), ("fr", french)):
        found = ok(_propose(org["admin"], contact, **{"Accept-Language": language}))
        assert (found["outcome"], found["proposals"]) == (outcome, [])
        assert text in found["message"]


@pytest.mark.parametrize("email, address", [("jo@inside.test", "127.0.0.1"), ("jo@metadata.test", "169.254.169.254"),
                                            ("jo@hop.test", "169.254.169.254")])
def test_a_domain_pointing_inside_is_refused_and_logged(org, stack, email, address):
    contact = _contact(org["admin"], org, email=email)
    body = assert_problem(_propose(org["admin"], contact, **{"Accept-Language": "fr"}), 409,
                          code="enrichment_refused", fields=["email"])
    assert "réseau privé" in body["detail"]
    # the service's line reaches the stack's log through the process's pipe and the stack's pump thread: a moment
    # after the answer
    eventually(lambda: stack.log_path.read_text(encoding="utf-8"), lambda log: f"resolves to {address}" in log,
               what=f"the refusal of {address} logged")


def test_bad_input_is_a_problem_naming_the_field(org):
    admin = org["admin"]
    contact = _contact(admin, org, last_name="Sans courriel")
    # a valid request the stored contact refuses: 409 naming the field (docs/rules/http-api.md)
    assert_problem(_propose(admin, contact), 409, code="enrichment_needs_email", fields=["email"])
    path = f"/contacts/{contact['id']}/enrichment/apply"
    assert_problem(admin.post(path, json={"version": 1, "fields": {"email": "x@y.z"}}), 422, fields=["fields.email"])
    assert_problem(admin.post(path, json={"version": 1, "fields": {}}), 422, fields=["fields"])
    assert_problem(admin.post(path, json={"fields": {"title": "x"}}), 422, fields=["version"])
    assert_problem(admin.post(path, json={"version": 1, "fields": {"phone": "5" * 51}}), 422, fields=["fields.phone"])
    assert_problem(admin.post(path, json={"version": 1, "fields": {"custom": {"secret": "x"}}}), 422,
                   fields=["fields.custom.secret"])
    assert_problem(admin.post(path, json={"version": 1, "fields": {"title": "x"}, "source": "file:///etc"}), 422,
                   fields=["source"])
    assert ok(admin.get(f"/contacts/{contact['id']}"))["version"] == contact["version"]


def test_another_organizations_contact_and_one_outside_the_callers_lists_are_not_found(org, base_url):
    contact = _contact(org["admin"], org, email="josee@acme.test")
    other, _ = sign_up(base_url, client_class=type(org["admin"]))
    assert_problem(_propose(other, contact), 404)
    assert_problem(other.post(f"/contacts/{contact['id']}/enrichment/apply",
                              json={"version": 1, "fields": {"title": "x"}}), 404)
    closed = ok(org["admin"].post("/contacts", json={"list_ids": [org["closed"]], "email": "josee@acme.test"}), 201)
    member = add_member(org, flags={"all_contacts": True})["client"]
    assert_problem(_propose(member, closed), 404)
    assert ok(org["admin"].get(f"/contacts/{contact['id']}"))["version"] == contact["version"]


def _role(org, member, *, fields=None, special=None, write=True):
    actions = {"read": True, "write": write, "delete": False, "export": False}
    ok(org["admin"].put(f"/roles/{member['role']['id']}/permissions", json={
        "modules": {"contacts": actions, "accounts": actions}, "fields": fields or {}, "special": special or {}}))


def test_field_permissions_narrow_what_is_proposed_and_applied(org):
    member = add_member(org, flags={"all_contacts": True})
    client = member["client"]
    contact = _contact(org["admin"], org, email="josee@acme.test")
    _role(org, member, fields={"contacts.title": {"read": True, "write": False},
                               "contacts.street": {"read": False, "write": False}},
          special={"primary_contact": {"read": True}})
    found = ok(_propose(client, contact))
    proposed = {p["field"]: p for p in found["proposals"]}
    assert "street" not in proposed and "12 rue du Quai" not in str(found)   # unreadable: never proposed
    assert proposed["title"]["writable"] is False and proposed["first_name"]["writable"] is True
    refused = client.post(f"/contacts/{contact['id']}/enrichment/apply",
                          json={"version": found["version"], "fields": {"first_name": "Josée", "title": "Présidente"}})
    assert_problem(refused, 403, code="field_not_writable", fields=["title"])
    ok(client.post(f"/contacts/{contact['id']}/enrichment/apply",
                   json={"version": found["version"], "fields": {"first_name": "Josée"}}))
    # without the module's write permission, nothing is applied; an unreadable email is never looked up
    _role(org, member, write=False, fields={"contacts.email": {"read": False, "write": False}})
    assert_problem(client.post(f"/contacts/{contact['id']}/enrichment/apply",
                               json={"version": found["version"] + 1, "fields": {"last_name": "Tremblay"}}), 403)
    assert_problem(_propose(client, contact), 403, code="field_not_readable", fields=["email"])
    assert ok(org["admin"].get(f"/contacts/{contact['id']}"))["last_name"] is None


def test_a_primary_contact_needs_the_primary_contact_permission(org, stack):
    member = add_member(org, flags={"all_contacts": True})
    client = member["client"]
    contact = _contact(org["admin"], org, email="josee@acme.test")
    _set_primary(stack, contact["id"])
    _role(org, member, special={"primary_contact": {"read": False, "write": False}})
    assert_problem(_propose(client, contact), 403, code="primary_contact_permission")
    _role(org, member, special={"primary_contact": {"read": True, "write": False}})
    found = ok(_propose(client, contact))
    body = {"version": found["version"], "fields": {"title": "Présidente"}}
    assert_problem(client.post(f"/contacts/{contact['id']}/enrichment/apply", json=body), 403,
                   code="primary_contact_permission")
    _role(org, member, special={"primary_contact": {"read": True, "write": True}})
    assert ok(client.post(f"/contacts/{contact['id']}/enrichment/apply", json=body))["title"] == "Présidente"


def test_the_proposals_page_offers_a_checkbox_per_writable_field_and_applies_the_chosen_ones(org, base_url):
    """The web page on this module's system (the web suite's has no site to read): tests/web/test_enrichment_pages.py
    has the rest of the pages' tests."""
    member = add_member(org, flags={"all_contacts": True})
    _role(org, member, fields={"contacts.title": {"read": True, "write": False}},
          special={"primary_contact": {"read": True}})
    contact = _contact(org["admin"], org, email="josee@acme.test", first_name="Josee")
    web = web_login(base_url, member["user"]["username"], language="fr")
    page = web.get(f"/app/contacts/{contact['id']}/enrichment")
    assert page.status == 200
    boxes = {box.get("value") for box in page.css("input[type=checkbox][name=field]")}
    assert {"first_name", "last_name", "street"} <= boxes and "title" not in boxes   # title: read only
    assert "Présidente" in page.body_text and "Lecture seule" in page.body_text
    row = page.one("input[value=first_name]").getparent().getparent()
    assert "Josee" in row.text_content() and "Josée" in row.text_content()
    form = {"field": ["first_name", "last_name"], "version": page.one("input[name=version]").get("value"),
            "source": page.one("input[name=source]").get("value"),
            **{i.get("name"): i.get("value") for i in page.css("input[type=hidden]")
               if i.get("name").startswith("value.")}}
    done = web.post(f"/app/contacts/{contact['id']}/enrichment", form)
    assert done.status == 303
    assert "Enrichissement appliqué : 2 champ(s)" in web.follow(done).body_text
    stored = ok(org["admin"].get(f"/contacts/{contact['id']}"))
    assert (stored["first_name"], stored["last_name"], stored["street"]) == ("Josée", "Tremblay", None)
