"""The engagement pages (E-7, E-9): a campaign's report (totals and recipients: what the same user's ``/api/v1`` calls
answer, so a rep-limited member sees only their contacts' recipients), the e-mails section of a contact's page (with
the composer's link for roles that write e-mails; absent without the e-mails module), another organization's
campaign a 404 page, and the public unsubscribe page in its own frame (no app navigation, no script).

The sent campaign's rows are written into the campaigns schema as the campaigns area's send writes them."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
import sqlalchemy as sa
from conftest import ok, web_login
from support.campaigns import contacts_in_list
from support.http import sign_up
from support.orgs import add_member

from carnet_common.config import sqlalchemy_url
from carnet_contracts import campaign_links
from carnet_testing import eventually

EMAILS = {"read": True, "write": True, "delete": False, "export": False}
CONTACTS = {"read": True, "write": True, "delete": True, "export": False}


@pytest.fixture(scope="module")
def engine(stack):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    yield engine
    engine.dispose()


def sent_campaign(engine, org_id, contacts, *, opened=()):
    """A sent campaign to ``contacts`` (once they are in the campaigns read model); ``opened``: contact ids whose
    recipient opened it. Returns (campaign id, {contact id: recipient id})."""
    def arrived():
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM campaigns.contact_refs WHERE id = ANY(:ids)"),
                                {"ids": [c["id"] for c in contacts]}).scalar()
    eventually(arrived, lambda n: n == len(contacts), what="the contacts in the campaigns read model")
    campaign_id, at, ids = uuid.uuid4().hex, datetime.now(timezone.utc) - timedelta(hours=1), {}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, subject, created_by, "
                             "started_at) VALUES (:id, :org, 'campaign', 'Soldes', 'sent', 'Soldes d''hiver', 'u', "
                             ":at)"), {"id": campaign_id, "org": org_id, "at": at})
        for contact in contacts:
            ids[contact["id"]] = uuid.uuid4().hex
            conn.execute(sa.text(
                "INSERT INTO campaigns.recipients (id, org_id, campaign_id, contact_id, email, email_key, language, "
                "state, message_id, sent_at, opened_at, open_count) VALUES (:id, :org, :campaign, :contact, :email, "
                "lower(:email), 'fr', 'sent', :mid, :at, :opened, :opens)"),
                {"id": ids[contact["id"]], "org": org_id, "campaign": campaign_id, "contact": contact["id"],
                 "email": contact["email"], "mid": f"<{uuid.uuid4().hex}@x.test>", "at": at,
                 "opened": at if contact["id"] in opened else None, "opens": 1 if contact["id"] in opened else 0})
    return campaign_id, ids


def test_the_report_shows_what_the_api_answers_the_user(base_url, org, engine):
    admin = org["admin"]
    member = add_member(org, modules={"emails": EMAILS, "contacts": CONTACTS})
    mine = contacts_in_list(admin, org["shared"], 1, rep1_id=member["user"]["id"])[0]
    theirs = contacts_in_list(admin, org["shared"], 1)[0]
    org_id = ok(admin.get("/organization"))["id"]
    campaign_id, _ = sent_campaign(engine, org_id, [mine, theirs], opened={mine["id"]})

    client = web_login(base_url, org["user"]["username"], language="fr")
    page = client.get(f"/app/campaigns/{campaign_id}/report")
    assert page.status == 200 and page.one("h1").text_content().strip() == "Rapport : Soldes"
    assert page.one('[data-total="recipients"]').text_content().strip() == "2"
    assert page.one('[data-total="opened"]').text_content().strip() == "1"
    assert sorted(page.texts("table.recipients tbody td:first-child")) == sorted([mine["email"], theirs["email"]])

    limited = web_login(base_url, member["user"]["username"], language="en")
    page = limited.get(f"/app/campaigns/{campaign_id}/report")
    api = ok(member["client"].get(f"/campaigns/{campaign_id}/recipients"))
    assert page.texts("table.recipients tbody td:first-child") == [r["email"] for r in api["items"]] == [mine["email"]]
    assert page.one('[data-total="recipients"]').text_content().strip() == "1"
    assert "Open rate" in page.body_text
    assert limited.get(f"/app/campaigns/{campaign_id}/report?state=failed").texts("table.recipients tbody tr") == []

    other, created = sign_up(base_url)
    stranger = web_login(base_url, created["user"]["username"])
    assert stranger.get(f"/app/campaigns/{campaign_id}/report").status == 404


def test_the_contact_section_lists_its_emails(base_url, org, engine):
    admin = org["admin"]
    person = contacts_in_list(admin, org["shared"], 1)[0]
    org_id = ok(admin.get("/organization"))["id"]
    campaign_id, _ = sent_campaign(engine, org_id, [person], opened={person["id"]})
    client = web_login(base_url, org["user"]["username"], language="fr")
    record = client.get(f"/app/contacts/{person['id']}")
    section = record.one("#contact-emails")
    assert section.get("hx-get") == f"/app/engagement/contact/{person['id']}"
    fragment = client.get(f"/app/engagement/contact/{person['id']}")
    assert fragment.status == 200
    row = fragment.one(f'tr[data-campaign="{campaign_id}"]')
    assert row.cssselect("[data-opened]")[0].get("data-opened") == "yes"
    assert row.cssselect("[data-clicked]")[0].text_content().strip() == "Non"
    assert fragment.one(f'a[href="/app/contacts/{person["id"]}/email"]').text_content().strip() == "Envoyer un courriel"

    reader = add_member(org, modules={"contacts": CONTACTS}, flags={"all_contacts": True})
    without = web_login(base_url, reader["user"]["username"])
    assert without.get(f"/app/contacts/{person['id']}").css("#contact-emails") == []
    assert without.get(f"/app/engagement/contact/{person['id']}").status == 403


def test_the_public_page_has_its_own_frame(base_url, org, engine, stack):
    person = contacts_in_list(org["admin"], org["shared"], 1)[0]
    _, ids = sent_campaign(engine, ok(org["admin"].get("/organization"))["id"], [person])
    key = (stack.env.get("CAMPAIGNS_LINK_SECRET") or campaign_links.DEV_SECRET).encode()
    token = campaign_links.sign("unsubscribe", ids[person["id"]], key=key)
    page = requests.get(f"{base_url}/u/{token}", timeout=30, headers={"User-Agent": "Mozilla/5.0"})
    assert page.status_code == 200 and "<nav" not in page.text and "<script" not in page.text
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert 'method="post"' in page.text and "csrf_token" not in page.text
