"""What recipients do, end to end through the gateway (E-7, E-9): the unsubscribe page (FR/EN, logo, sentence, legal
text), the RFC 8058 one-click POST, GET never unsubscribing, tampered links refused with nothing changed, the
contact's ``subscribed`` turning false through the real contacts service, the pixel and click recorded after the
drain, bots flagged, the report as the caller sees contacts, a contact's e-mails, and the authorization rules.

Contacts are made through the API (their events feed the campaigns read model); the sent campaign's rows are written
into the campaigns schema as the campaigns area's send writes them (recipients of a sent campaign), so these tests
do not depend on an SMTP round trip (the sending suite covers that)."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
import sqlalchemy as sa
from conftest import assert_problem, eventually, ok, sign_up
from support.campaigns import contacts_in_list, operator_rpc
from support.orgs import add_member

from carnet_common.config import sqlalchemy_url
from carnet_contracts import campaign_links

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SENTENCE_FR = ("Veuillez compléter le formulaire ci-dessous pour vous désabonner des communications promotionnelles "
               "provenant de {}.")
SENTENCE_EN = "Please complete the form below to unsubscribe from promotional communications from {}."
EMAILS = {"read": True, "write": True, "delete": False, "export": False}
CONTACTS = {"read": True, "write": True, "delete": True, "export": False}


@pytest.fixture(scope="module")
def engine(stack):
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    yield engine
    engine.dispose()


@pytest.fixture
def key(stack):
    return (stack.env.get("CAMPAIGNS_LINK_SECRET") or campaign_links.DEV_SECRET).encode()


def org_id_of(client):
    return ok(client.get("/organization"))["id"]


def in_read_model(engine, contact_ids):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM campaigns.contact_refs WHERE id = ANY(:ids)"),
                            {"ids": list(contact_ids)}).scalar()


def sent_campaign(engine, org_id, contacts, *, sent_ago=timedelta(hours=1)):
    """A sent campaign of ``org_id`` to ``contacts`` (as the API answered them): its id and {contact id: recipient
    id}. Waits for the contacts to reach the campaigns read model first, as a real send would need."""
    eventually(lambda: in_read_model(engine, [c["id"] for c in contacts]), lambda n: n == len(contacts),
               what="the contacts in the campaigns read model")
    campaign_id, sent_at, ids = uuid.uuid4().hex, datetime.now(timezone.utc) - sent_ago, {}
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, subject, created_by, "
                             "started_at) VALUES (:id, :org, 'campaign', 'Soldes', 'sent', 'Soldes', 'u', :at)"),
                     {"id": campaign_id, "org": org_id, "at": sent_at})
        for contact in contacts:
            ids[contact["id"]] = uuid.uuid4().hex
            conn.execute(sa.text(
                "INSERT INTO campaigns.recipients (id, org_id, campaign_id, contact_id, email, email_key, language, "
                "state, message_id, sent_at) VALUES (:id, :org, :campaign, :contact, :email, lower(:email), :lang, "
                "'sent', :mid, :at)"),
                {"id": ids[contact["id"]], "org": org_id, "campaign": campaign_id, "contact": contact["id"],
                 "email": contact["email"], "lang": contact["language"], "mid": f"<{uuid.uuid4().hex}@x.test>",
                 "at": sent_at})
    return campaign_id, ids


def recipient_row(engine, recipient_id):
    with engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT * FROM campaigns.recipients WHERE id = :id"),
                                 {"id": recipient_id}).mappings().one())


def suppressed(engine, org_id):
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT email_key FROM campaigns.suppressions WHERE org_id = :org"),
                            {"org": org_id}).scalars().all()


def public(base_url, path, method="GET", **kwargs):
    kwargs.setdefault("allow_redirects", False)
    kwargs.setdefault("headers", {"User-Agent": BROWSER})
    return requests.request(method, base_url + path, timeout=30, **kwargs)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


# Unsubscribe (E-7) -------------------------------------------------------------------------------------------------

def test_unsubscribe_page_then_one_click(base_url, org, engine, key):
    admin = org["admin"]
    ok(admin.patch("/organization", json={"sender_name": "Équipe Acme", "legal_text": "Acme inc., 1 rue Principale",
                                          "logo_url": "https://cdn.example.test/logo.png"}))
    fr, en = contacts_in_list(admin, org["shared"], 2)
    org_id = org_id_of(admin)
    _, ids = sent_campaign(engine, org_id, [fr, en])
    token_fr = campaign_links.sign("unsubscribe", ids[fr["id"]], key=key)
    token_en = campaign_links.sign("unsubscribe", ids[en["id"]], key=key)

    page = public(base_url, f"/u/{token_fr}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert '<html lang="fr">' in page.text and SENTENCE_FR.format("Équipe Acme") in text_of(page.text)
    assert 'src="https://cdn.example.test/logo.png"' in page.text and "Acme inc., 1 rue Principale" in page.text
    assert fr["email"] not in page.text and f"{fr['email'][0]}•••@example.test" in page.text
    english = public(base_url, f"/u/{token_en}")
    assert '<html lang="en">' in english.text and SENTENCE_EN.format("Équipe Acme") in text_of(english.text)
    switched = public(base_url, f"/u/{token_fr}?lang=en")
    assert SENTENCE_EN.format("Équipe Acme") in text_of(switched.text)
    public(base_url, f"/u/{token_fr}", method="HEAD")
    assert recipient_row(engine, ids[fr["id"]])["unsubscribed_at"] is None  # GETs (scanners) never unsubscribe
    assert suppressed(engine, org_id) == []

    one_click = public(base_url, f"/u/{token_fr}", method="POST", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200 and one_click.headers["Content-Type"].startswith("text/plain")
    assert recipient_row(engine, ids[fr["id"]])["unsubscribed_at"] is not None
    assert suppressed(engine, org_id) == [fr["email"].lower()]
    eventually(lambda: ok(admin.get(f"/contacts/{fr['id']}"))["subscribed"], lambda s: s is False,
               what="the contact unsubscribed by contacts")
    assert ok(admin.get(f"/contacts/{en['id']}"))["subscribed"] is True

    def in_campaigns_read_model():
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT subscribed FROM campaigns.contact_refs WHERE id = :id"),
                                {"id": fr["id"]}).scalar()
    eventually(in_campaigns_read_model, lambda subscribed: subscribed is False,
               what="contact_updated back in the campaigns read model")
    done = public(base_url, f"/u/{token_fr}")
    assert "Vous êtes désabonné" in done.text and "<form" not in done.text

    form = public(base_url, f"/u/{token_en}", method="POST", data={"lang": "en", "confirm": "1"})
    assert form.status_code == 303 and form.headers["Location"].endswith(f"/u/{token_en}?lang=en")
    assert "You are unsubscribed" in public(base_url, f"/u/{token_en}?lang=en").text
    assert sorted(suppressed(engine, org_id)) == sorted([fr["email"].lower(), en["email"].lower()])


def test_tampered_links_are_refused_and_change_nothing(base_url, org, engine, key):
    person, = contacts_in_list(org["admin"], org["shared"], 1)
    org_id = org_id_of(org["admin"])
    _, ids = sent_campaign(engine, org_id, [person])
    recipient_id = ids[person["id"]]
    genuine = campaign_links.sign("unsubscribe", recipient_id, key=key)
    forged = campaign_links.sign("unsubscribe", recipient_id, key=b"not the secret")
    payload, signature = genuine.split(".")
    other_kind = campaign_links.sign("open", recipient_id, key=key)
    for token in (forged, payload + "." + signature[:-2] + "AA", other_kind, "nonsense", genuine + "x"):
        page = public(base_url, f"/u/{token}")
        assert page.status_code == 400 and "Lien invalide" in page.text and "Invalid link" in page.text
        posted = public(base_url, f"/u/{token}", method="POST", data={"List-Unsubscribe": "One-Click"})
        assert posted.status_code == 400
        assert public(base_url, f"/u/{token}", method="POST", data={"confirm": "1"}).status_code == 400
    unknown = campaign_links.sign("unsubscribe", uuid.uuid4().hex, key=key)
    assert public(base_url, f"/u/{unknown}").status_code == 404
    assert recipient_row(engine, recipient_id)["unsubscribed_at"] is None
    assert suppressed(engine, org_id) == []

    target = campaign_links.click_url("", recipient_id, "https://example.com/offre")[len("/t/c/"):]
    tampered = campaign_links.sign("click", recipient_id, url="https://evil.test/", key=b"guess").split(".")[0]
    assert public(base_url, f"/t/c/{tampered}.{target.split('.')[1]}").status_code == 400
    assert public(base_url, f"/t/c/{campaign_links.sign('click', recipient_id, url='javascript:alert(1)', key=key)}"
                  ).status_code == 400
    assert public(base_url, f"/t/o/{forged}.gif").status_code == 400


# Tracking (E-9) and reports ----------------------------------------------------------------------------------------

def test_pixel_and_click_are_counted_bots_apart_in_the_report(base_url, org, engine, key):
    admin = org["admin"]
    member = add_member(org, modules={"emails": EMAILS, "contacts": CONTACTS})
    mine = contacts_in_list(admin, org["shared"], 1, rep1_id=member["user"]["id"])[0]
    theirs = contacts_in_list(admin, org["shared"], 1)[0]
    org_id = org_id_of(admin)
    campaign_id, ids = sent_campaign(engine, org_id, [mine, theirs])

    pixel = public(base_url, f"/t/o/{campaign_links.sign('open', ids[mine['id']], key=key)}.gif")
    assert pixel.status_code == 200 and pixel.headers["Content-Type"] == "image/gif" and len(pixel.content) == 43
    assert "no-store" in pixel.headers["Cache-Control"]
    url = "https://example.com/offre?x=1"
    click = public(base_url, f"/t/c/{campaign_links.sign('click', ids[theirs['id']], url=url, key=key)}")
    assert click.status_code == 302 and click.headers["Location"] == url
    public(base_url, f"/t/o/{campaign_links.sign('open', ids[theirs['id']], key=key)}.gif", method="HEAD")  # a bot

    report = eventually(lambda: ok(admin.get(f"/campaigns/{campaign_id}/report")),
                        lambda r: r["totals"]["bot_hits"] == 1 and r["totals"]["clicked"] == 1
                        and r["totals"]["opened"] == 2, what="the hits drained")
    assert report["totals"]["recipients"] == 2 and report["rates"]["open_rate"] == 1.0
    rows = {r["email"]: r for r in ok(admin.get(f"/campaigns/{campaign_id}/recipients"))["items"]}
    assert (rows[theirs["email"]]["open_count"], rows[theirs["email"]]["click_count"]) == (1, 1)  # click ⇒ open

    seen = ok(member["client"].get(f"/campaigns/{campaign_id}/report"))  # rep-limited: their contact only
    assert (seen["totals"]["recipients"], seen["totals"]["opened"], seen["totals"]["clicked"]) == (1, 1, 0)
    page = ok(member["client"].get(f"/campaigns/{campaign_id}/recipients"))
    assert [r["email"] for r in page["items"]] == [mine["email"]] and page["total"] == 1
    assert_problem(member["client"].get(f"/contacts/{theirs['id']}/emails"), 404)
    emails = ok(member["client"].get(f"/contacts/{mine['id']}/emails"))
    assert [(e["campaign_id"], e["opened"], e["clicked"]) for e in emails["items"]] == [(campaign_id, True, False)]
    assert_problem(admin.get(f"/campaigns/{campaign_id}/recipients?state=lost"), 422, fields=["state"])


def test_authorization(base_url, stack, org, engine):
    person, = contacts_in_list(org["admin"], org["shared"], 1)
    campaign_id, _ = sent_campaign(engine, org_id_of(org["admin"]), [person])
    paths = (f"/campaigns/{campaign_id}/report", f"/campaigns/{campaign_id}/recipients",
             f"/contacts/{person['id']}/emails")
    other, _ = sign_up(base_url)
    for path in paths:
        assert_problem(other.get(path), 404)
    without = add_member(org, modules={"contacts": CONTACTS}, flags={"all_contacts": True})["client"]
    for path in paths:
        assert_problem(without.get(path), 403)
    solo, created = sign_up(base_url)
    with operator_rpc(stack) as rpc:
        rpc.identity.set_plan(created["organization"]["id"], "solo")
    assert_problem(solo.get(f"/campaigns/{campaign_id}/report"), 403, code="plan_feature")


# The whole trip: a real send, the links read from the message the relay received ------------------------------------

def test_links_of_a_sent_message_unsubscribe_and_track(stack, base_url, org, relay, dns_zone):
    from support.campaigns import ready_domain

    admin = org["admin"]
    domain = ready_domain(stack, admin, dns_zone)
    people = contacts_in_list(admin, org["shared"], 2)
    body = {"name": "Offres", "list_ids": [org["shared"]], "subject": "Offres", "from_name": "Acme",
            "html": '<p>Bonjour <a href="https://example.com/offre">l\'offre</a></p>', "text": "Bonjour",
            "from_email": f"nouvelles@{domain}"}

    def send():
        draft = ok(admin.post("/campaigns", json=body), 201)
        ok(admin.post(f"/campaigns/{draft['id']}/send", json={"version": 1}), 202)
        eventually(lambda: ok(admin.get(f"/campaigns/{draft['id']}/progress")), lambda p: p["status"] == "sent",
                   timeout=30, what="campaign sent")
        return draft["id"]

    campaign_id = send()
    message = relay.to(people[0]["email"])[0]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
    html = message.get_body(("html",)).get_content()
    pixel = re.search(r'src="([^"]+/t/o/[^"]+\.gif)"', html).group(1).replace("&amp;", "&")
    click = re.search(r'href="([^"]+/t/c/[^"]+)"', html).group(1).replace("&amp;", "&")
    assert unsubscribe.startswith(base_url) and pixel.startswith(base_url) and click.startswith(base_url)

    assert requests.get(pixel, headers={"User-Agent": BROWSER}, timeout=30).status_code == 200
    followed = requests.get(click, headers={"User-Agent": BROWSER}, timeout=30, allow_redirects=False)
    assert followed.status_code == 302 and followed.headers["Location"] == "https://example.com/offre"
    assert requests.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}, timeout=30).status_code == 200
    eventually(lambda: ok(admin.get(f"/contacts/{people[0]['id']}"))["subscribed"], lambda s: s is False,
               what="the contact unsubscribed")
    report = eventually(lambda: ok(admin.get(f"/campaigns/{campaign_id}/report"))["totals"],
                        lambda t: t["opened"] == 1, what="the open recorded")
    assert (report["unsubscribed"], report["sent"]) == (1, 2)  # the click ≤ 5 s after sending: a scanner's
    emails = ok(admin.get(f"/contacts/{people[0]['id']}/emails"))["items"]
    assert [(e["campaign_id"], e["opened"]) for e in emails] == [(campaign_id, True)]

    send()  # never mailed again: the next campaign reaches only the other contact
    assert len(relay.to(people[0]["email"])) == 1 and len(relay.to(people[1]["email"])) == 2
