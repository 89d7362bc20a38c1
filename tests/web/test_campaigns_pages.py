"""The campaigns pages (E-2…E-5): the builder (the user's lists as checkboxes, usable domains for the from address,
the counters by "Count" without JavaScript, the API's 422 on its field), sending with its confirmation, the campaign
page's progress as the API answers it, the list and its sent e-mails tab, the one-to-one composer on a contact
(sent from the user's own address, counted at the relay); another organization's campaign is the 404 page and a
role without the e-mails module the 403 page."""
import uuid

import sqlalchemy as sa
from conftest import ok, web_login
from support.campaigns import contacts_in_list, ready_domain
from support.http import ApiClient, sign_up
from support.orgs import add_member

from carnet_common.config import sqlalchemy_url
from carnet_testing import eventually


def test_build_count_send_and_follow_a_campaign_in_the_pages(stack, base_url, org, relay, dns_zone):
    admin = org["admin"]
    domain = ready_domain(stack, admin, dns_zone)
    people = contacts_in_list(admin, org["shared"], 2)
    client = web_login(base_url, org["user"]["username"], language="fr")

    page = client.get("/app/campaigns/new")
    assert page.status == 200 and page.one("h1").text_content().strip() == "Nouvelle campagne"
    assert org["shared"] in [box.get("value") for box in page.css('input[name="list_ids"]')]
    assert domain in [option.get("value") for option in page.css('select[name="from_domain"] option')]
    assert page.one('button[formaction="/app/campaigns/count"]').get("hx-select") == "#counters"

    form = {"name": "Infolettre", "list_ids": [org["shared"]], "subject": "Bonjour {{ first_name }}",
            "text": "Bonjour", "html": "<p>Bonjour</p>", "from_name": "Acme", "from_local": "nouvelles",
            "from_domain": domain, "reply_to": "pas une adresse", "template_id": ""}
    counted = client.post("/app/campaigns/count", form)
    assert counted.status == 200
    assert counted.one('#counters [data-counter="selected"]').text_content().strip() == "2"
    refused = client.post("/app/campaigns", form)
    assert refused.status == 422 and refused.one("#f-reply_to").get("aria-invalid") == "true"
    assert refused.one('input[name="name"]').get("value") == "Infolettre"   # the form keeps what was typed

    created = client.post("/app/campaigns", {**form, "reply_to": "aide@ailleurs.example"})
    assert created.status == 303
    campaign_id = created.location.rstrip("/").rsplit("/", 1)[-1]
    draft = client.follow(created)
    assert draft.one('input[name="from_local"]').get("value") == "nouvelles"
    assert draft.one('[data-counter="selected"]').text_content().strip() == "2"
    send_form = draft.one(f'form[action="/app/campaigns/{campaign_id}/send"]')
    assert send_form.get("data-confirm")

    sent = client.post(f"/app/campaigns/{campaign_id}/send", {"version": "1"})
    assert sent.status == 303
    eventually(lambda: ok(admin.get(f"/campaigns/{campaign_id}/progress")), lambda p: p["status"] == "sent",
               timeout=30, what="campaign sent")
    shown = client.get(f"/app/campaigns/{campaign_id}")
    progress = ok(admin.get(f"/campaigns/{campaign_id}/progress"))
    assert shown.one("#progress [data-status]").get("data-status") == progress["status"] == "sent"
    assert shown.one('#progress [data-state="sent"]').text_content().strip() == str(progress["states"]["sent"])
    assert shown.css(f'a[href="/app/campaigns/{campaign_id}/report"]')
    assert not shown.css("#progress[hx-get]")   # no polling once finished
    stem = people[0]["email"].rsplit("-", 1)[0]
    assert sorted(str(m["To"]) for m in relay.received(lambda m: stem in str(m["To"]))) == sorted(
        person["email"] for person in people)

    listed = client.get("/app/campaigns?tab=sent")
    row = listed.one(f'table.sent-emails tr[data-id="{campaign_id}"]')
    assert row.cssselect('[data-count="sent"]')[0].text_content().strip() == "2"

    made = client.post(f"/app/campaigns/{campaign_id}/template", {})
    assert made.status == 303 and "/app/templates/" in made.location
    copied = client.post(f"/app/campaigns/{campaign_id}/copy", {})
    assert copied.status == 303
    assert client.follow(copied).one('input[name="name"]').get("value") == "Infolettre"   # a new draft, in the builder

    stranger, _ = sign_up(base_url, client_class=ApiClient)
    other = web_login(base_url, ok(stranger.get("/me"))["user"]["username"])
    assert other.get(f"/app/campaigns/{campaign_id}").status == 404
    nobody = add_member(org, modules={"contacts": {"read": True, "write": True}})
    assert web_login(base_url, nobody["user"]["username"]).get("/app/campaigns").status == 403


def test_the_composer_sends_one_email_from_the_users_own_address(base_url, org, relay):
    admin = org["admin"]
    person = contacts_in_list(admin, org["shared"], 1, first_name="Léa")[0]
    client = web_login(base_url, org["user"]["username"], language="en")
    page = client.get(f"/app/contacts/{person['id']}/email?template_id=builtin:blank")
    assert page.status == 200 and "builtin:blank" in [o.get("value") for o in page.css("#f-pick-template option")]
    assert page.one('input[name="template_id"]').get("value") == "builtin:blank"
    refused = client.post(f"/app/contacts/{person['id']}/email", {"subject": "", "text": "", "html": ""})
    assert refused.status == 422 and refused.one("#f-subject").get("aria-invalid") == "true"
    sent = client.post(f"/app/contacts/{person['id']}/email",
                       {"subject": "Hello {{ first_name }}", "text": "See you", "html": ""})
    assert sent.status == 303 and sent.location.endswith(f"/app/contacts/{person['id']}")
    message = eventually(lambda: relay.to(person["email"]), timeout=30, what="one-to-one e-mail")[0]
    assert message["Subject"] == "Hello Léa"
    assert message["From"].addresses[0].addr_spec == org["user"]["email"]


def test_a_paused_campaign_is_resumed_or_cancelled_from_its_page(stack, base_url, org):
    """A campaign left paused (written as the send and a pause leave it: the sender never claims a paused one)."""
    org_id = ok(org["admin"].get("/organization"))["id"]
    campaign_id = uuid.uuid4().hex
    engine = sa.create_engine(sqlalchemy_url(stack.env["DATABASE_URL"]))
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, subject, text, "
                             "from_email, created_by, started_at, version) VALUES (:id, :org, 'campaign', 'En pause', "
                             "'paused', 'Objet', 'Texte', 'a@x.test', 'u', now(), 3)"),
                     {"id": campaign_id, "org": org_id})
        conn.execute(sa.text("INSERT INTO campaigns.recipients (id, org_id, campaign_id, email, email_key, language, "
                             "state, message_id) VALUES (:id, :org, :campaign, 'q@x.test', 'q@x.test', 'fr', 'queued', "
                             ":mid)"), {"id": uuid.uuid4().hex, "org": org_id, "campaign": campaign_id,
                                        "mid": f"<{uuid.uuid4().hex}@x.test>"})
    engine.dispose()
    client = web_login(base_url, org["user"]["username"], language="en")
    page = client.get(f"/app/campaigns/{campaign_id}")
    assert page.one("#progress [data-status]").get("data-status") == "paused"
    assert page.css(f'form[action="/app/campaigns/{campaign_id}/resume"]')
    assert not page.css(f'form[action="/app/campaigns/{campaign_id}/pause"]')
    assert page.one(f'form[action="/app/campaigns/{campaign_id}/cancel"]').get("data-confirm")
    done = client.follow(client.post(f"/app/campaigns/{campaign_id}/cancel", {}))
    assert done.one("#progress [data-status]").get("data-status") == "cancelled"
    assert not done.css(f'form[action="/app/campaigns/{campaign_id}/resume"]')
    refused = client.follow(client.post(f"/app/campaigns/{campaign_id}/pause", {}))
    assert "Only a campaign that is sending can be paused." in refused.one("#status").text_content()
    reader = add_member(org, modules={"contacts": {"read": True}, "emails": {"read": True}})
    shown = web_login(base_url, reader["user"]["username"]).get(f"/app/campaigns/{campaign_id}")
    assert shown.status == 200 and not shown.css("#progress form") and not shown.css("main form button")
