"""The campaigns area (E-2, E-3, E-4, E-5) on the running campaigns service, over RPC as the gateway calls it: drafts
and their rules, sending (recipients chosen once, one per address, only the contacts the sender sees, counted at the
relay), a second send, pause / resume / cancel, progress, one-to-one e-mails and the sent e-mails.

Contacts are written straight into the audience area's read model (as their events would), so each test's data is
small and its own (a fresh organization per test)."""
import uuid

import pytest
import sqlalchemy as sa
from camp_domains_helpers import ready_domain

from carnet_campaigns.audience.tables import contact_refs
from carnet_campaigns.campaigns.tables import campaigns
from carnet_campaigns.sending.tables import recipients
from carnet_common.errors import Conflict, InvalidInput, NotFound
from carnet_testing import eventually


def uid(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def make_actor(org_id, user_id="u1", *, list_ids=("L1", "L2"), is_admin=True, **flags):
    return {"org_id": org_id, "user_id": user_id, "is_admin": is_admin, "language": "en",
            "flags": {"all_contacts": False, "hierarchy_contacts": False, "own_records_only": False, **flags},
            "subordinate_ids": [], "list_ids": list(list_ids)}


def seed(engine, org_id, rows):
    """Contacts straight into the read model (as their events would write them); their ids."""
    rows = [{"id": uid("con"), "org_id": org_id, "version": 1, "status": "active", "subscribed": True,
             "language": "fr", "rep1_id": "u1", "rep2_id": None, "list_ids": ["L1"], "first_name": "Marie",
             "last_name": "Roy", **row} for row in rows]
    if not rows:
        return []
    with engine.begin() as conn:
        conn.execute(contact_refs.insert(), rows)
    return [row["id"] for row in rows]


def rows_of(engine, campaign_id):
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(sa.select(recipients).where(
            recipients.c.campaign_id == campaign_id).order_by(recipients.c.email_key)).mappings()]


@pytest.fixture
def org(camp_rpc, camp_dns):
    """A fresh organization (its administrator's actor) with a usable sending domain."""
    actor = make_actor(uid("org"))
    return {"actor": actor, "domain": ready_domain(camp_rpc, camp_dns, actor)}


def draft(camp_rpc, actor, domain, **fields):
    body = {"name": "May news", "list_ids": ["L1"], "subject": "Hello {{ first_name }}",
            "html": "<p>Hello {{ first_name }}</p>", "text": "Hello {{ first_name }}",
            "from_name": "Acme", "from_email": f"news@{domain}", "reply_to": "help@elsewhere.example", **fields}
    return camp_rpc.create_campaign(actor, body)


# Drafts ----------------------------------------------------------------------------------------------------------

def test_a_draft_is_checked_saved_and_changed_by_version(camp_rpc, org):
    actor, domain = org["actor"], org["domain"]
    with pytest.raises(InvalidInput) as caught:
        draft(camp_rpc, actor, domain, list_ids=["L1", "L9"])
    assert caught.value.errors == {"list_ids": ["unknown_list"]}
    with pytest.raises(InvalidInput) as caught:
        draft(camp_rpc, actor, domain, from_email="news@not-verified.example")
    assert caught.value.errors == {"from_email": ["sender_domain_unverified"]}
    with pytest.raises(InvalidInput) as caught:
        draft(camp_rpc, actor, domain, reply_to="help@x.example\r\nBcc: all@x.example")
    assert caught.value.errors == {"reply_to": ["invalid_email"]}

    created = draft(camp_rpc, actor, domain, html='<p onclick="x()">Hi</p><script>alert(1)</script>')
    assert created["status"] == "draft" and created["kind"] == "campaign" and created["version"] == 1
    assert "script" not in created["html"] and "onclick" not in created["html"]

    with pytest.raises(Conflict) as caught:
        camp_rpc.update_campaign(actor, created["id"], {"version": 7, "name": "Stale"})
    assert caught.value.code == "version_conflict"
    changed = camp_rpc.update_campaign(actor, created["id"], {"version": 1, "name": "June news",
                                                              "template_id": "builtin:newsletter"})
    assert changed["version"] == 2 and changed["name"] == "June news"
    assert changed["subject"] == "News from {{ sender_name }}"   # the template's content copied in (en)

    listed = camp_rpc.list_campaigns(actor, {"status": "draft"})
    assert [item["id"] for item in listed["items"]] == [created["id"]] and listed["total"] == 1

    other = make_actor(uid("org"))
    for call in (lambda: camp_rpc.get_campaign(other, created["id"]),
                 lambda: camp_rpc.update_campaign(other, created["id"], {"version": 2, "name": "x"}),
                 lambda: camp_rpc.delete_campaign(other, created["id"]),
                 lambda: camp_rpc.send_campaign(other, created["id"], {"version": 2})):
        with pytest.raises(NotFound):
            call()
    assert camp_rpc.list_campaigns(other, {})["total"] == 0

    camp_rpc.delete_campaign(actor, created["id"])
    with pytest.raises(NotFound):
        camp_rpc.get_campaign(actor, created["id"])


# Sending ---------------------------------------------------------------------------------------------------------

def test_a_send_is_refused_before_it_starts(camp_rpc, camp_engine, org):
    actor, domain = org["actor"], org["domain"]
    seed(camp_engine, actor["org_id"], [{"email": "nobody-valid@", "list_ids": ["L2"]}])
    no_list = draft(camp_rpc, actor, domain, list_ids=[])
    with pytest.raises(Conflict) as caught:
        camp_rpc.send_campaign(actor, no_list["id"], {"version": 1})
    assert caught.value.errors == {"list_ids": ["campaign_no_list"]}

    broken = draft(camp_rpc, actor, domain, subject="Hi {{ frist_name }}", text="Hi {{ first_name")
    with pytest.raises(Conflict) as caught:
        camp_rpc.send_campaign(actor, broken["id"], {"version": 1})
    assert caught.value.errors == {"subject": ["merge_field_unknown"], "text": ["merge_field_broken"]}

    empty = draft(camp_rpc, actor, domain, list_ids=["L2"])
    with pytest.raises(Conflict) as caught:
        camp_rpc.send_campaign(actor, empty["id"], {"version": 1})
    assert caught.value.errors == {"list_ids": ["campaign_empty"]}

    with pytest.raises(Conflict) as caught:
        camp_rpc.send_campaign(actor, empty["id"], {"version": 3})
    assert caught.value.code == "version_conflict"
    assert camp_rpc.get_campaign(actor, empty["id"])["status"] == "draft"


def test_a_send_reaches_each_address_once_then_refuses_a_second_send(camp_rpc, camp_engine, camp_relay, org):
    actor, domain = org["actor"], org["domain"]
    tag = uid("m")
    seed(camp_engine, actor["org_id"], [
        {"email": f"{tag}-ana@example.test", "first_name": "Ana"},
        {"email": f"{tag}-ANA@Example.test", "first_name": "Ana bis"},      # a duplicate: sent once
        {"email": f"{tag}-bob@example.test", "first_name": "Bob", "language": "en", "list_ids": ["L1", "L2"]},
        {"email": f"{tag}-gone@example.test", "subscribed": False},          # unsubscribed
        {"email": f"{tag}-broken@", "first_name": "Broken"},                  # invalid
        {"email": f"{tag}-other@example.test", "list_ids": ["L3"]},           # a list not targeted
    ])
    created = draft(camp_rpc, actor, domain, list_ids=["L1", "L2"])
    counters = camp_rpc.campaign_counters(actor, created["id"])
    assert (counters["total"], counters["selected"], counters["duplicates"]) == (5, 2, 1)

    started = camp_rpc.send_campaign(actor, created["id"], {"version": 1})
    assert started["status"] in ("sending", "sent") and started["total"] == 2
    campaign = camp_rpc.get_campaign(actor, created["id"])
    assert campaign["counters"]["selected"] == 2 and campaign["started_at"] and campaign["version"] == 2
    rows = rows_of(camp_engine, created["id"])
    assert [row["email_key"] for row in rows] == [f"{tag}-ana@example.test", f"{tag}-bob@example.test"]
    for row in rows:
        assert row["message_id"] == f"<{row['id']}@{domain}>" and len(row["id"]) == 32
    assert rows[1]["merge"] == {"first_name": "Bob", "last_name": "Roy", "full_name": "Bob Roy",
                                "email": f"{tag}-bob@example.test"}
    assert (rows[0]["language"], rows[1]["language"]) == ("fr", "en")

    with pytest.raises(Conflict) as caught:
        camp_rpc.send_campaign(actor, created["id"], {"version": 2})
    assert caught.value.code == "campaign_already_sent"
    with pytest.raises(Conflict) as caught:
        camp_rpc.update_campaign(actor, created["id"], {"version": 2, "name": "Too late"})
    assert caught.value.code == "campaign_not_draft"

    # the sender (sending area) delivers them: one message per address, counted at the relay
    eventually(lambda: camp_rpc.campaign_progress(actor, created["id"])["status"] == "sent", timeout=20)
    sent = camp_relay.received(lambda message: tag in str(message["To"]))
    assert sorted(str(message["To"]).lower() for message in sent) == [f"{tag}-ana@example.test",
                                                                       f"{tag}-bob@example.test"]
    assert {message["Message-ID"] for message in sent} == {row["message_id"] for row in rows}
    progress = camp_rpc.campaign_progress(actor, created["id"])
    assert progress["states"]["sent"] == 2 and progress["done"] == progress["total"] == 2

    listed = camp_rpc.list_sent_emails(actor, {})
    assert [(item["id"], item["recipients"], item["sent"]) for item in listed["items"]] == [(created["id"], 2, 2)]


def test_a_rep_limited_senders_campaign_reaches_only_their_contacts(camp_rpc, camp_engine, camp_relay, org):
    admin, domain = org["actor"], org["domain"]
    member = make_actor(admin["org_id"], "u2", is_admin=False)
    tag = uid("r")
    seed(camp_engine, admin["org_id"], [
        {"email": f"{tag}-mine@example.test", "rep1_id": "u2"},
        {"email": f"{tag}-mine-too@example.test", "rep1_id": "u1", "rep2_id": "u2"},
        {"email": f"{tag}-not-mine@example.test", "rep1_id": "u1"},
    ])
    created = draft(camp_rpc, member, domain)
    assert camp_rpc.campaign_counters(member, created["id"])["selected"] == 2
    assert camp_rpc.campaign_counters(admin, created["id"])["selected"] == 3   # the reader's own visibility
    assert camp_rpc.send_campaign(member, created["id"], {"version": 1})["total"] == 2
    eventually(lambda: camp_rpc.campaign_progress(admin, created["id"])["status"] == "sent", timeout=20)
    assert sorted(str(m["To"]) for m in camp_relay.received(lambda m: tag in str(m["To"]))) == [
        f"{tag}-mine-too@example.test", f"{tag}-mine@example.test"]


def _sending_campaign(engine, org_id, status, count=3):
    """A campaign in ``status`` with ``count`` queued recipients (contacts of reps u0 and u1 alternately), written as
    sending left it (the sender claims recipients of campaigns in status ``sending`` only, so a paused one stays as it
    is)."""
    campaign_id = uid("cmp")
    contact_ids = seed(engine, org_id, [{"email": f"{i}-{campaign_id}@held.test", "rep1_id": f"u{i % 2}"}
                                        for i in range(count)])
    with engine.begin() as conn:
        conn.execute(campaigns.insert().values(id=campaign_id, org_id=org_id, kind="campaign", name="Held",
                                               status=status, list_ids=["L1"], created_by="u1", version=2,
                                               subject="s", text="t", from_email="a@nowhere.test",
                                               started_at=sa.func.now()))
        if not count:
            return campaign_id
        conn.execute(recipients.insert(), [
            {"id": uuid.uuid4().hex, "org_id": org_id, "campaign_id": campaign_id, "contact_id": contact_ids[i],
             "email": f"{i}-{campaign_id}@held.test", "email_key": f"{i}-{campaign_id}@held.test", "language": "en",
             "state": "queued", "message_id": f"<{uuid.uuid4().hex}@nowhere.test>"} for i in range(count)])
    return campaign_id


def test_pause_resume_and_cancel_move_the_status_and_cancel_what_is_left(camp_rpc, camp_engine):
    actor = make_actor(uid("org"))
    campaign_id = _sending_campaign(camp_engine, actor["org_id"], "paused")
    with pytest.raises(Conflict) as caught:
        camp_rpc.pause_campaign(actor, campaign_id)
    assert caught.value.code == "campaign_cannot_pause"
    with pytest.raises(NotFound):
        camp_rpc.cancel_campaign(make_actor(uid("org")), campaign_id)
    # its recipients are counted as the reader sees their contacts: rep u1 represents one of the three
    rep = make_actor(actor["org_id"], "u1", is_admin=False)
    assert camp_rpc.campaign_progress(rep, campaign_id)["total"] == 1
    cancelled = camp_rpc.cancel_campaign(actor, campaign_id)
    assert cancelled["status"] == "cancelled" and cancelled["states"]["cancelled"] == 3 and cancelled["done"] == 3
    for call in (camp_rpc.resume_campaign, camp_rpc.cancel_campaign, camp_rpc.pause_campaign):
        with pytest.raises(Conflict):
            call(actor, campaign_id)

    # a draft cannot be paused; a paused campaign resumes (and the sender then sends it)
    other = _sending_campaign(camp_engine, actor["org_id"], "paused", count=0)
    assert camp_rpc.resume_campaign(actor, other)["status"] in ("sending", "sent")


def test_copy_makes_a_new_draft_with_the_lists_the_caller_still_accesses(camp_rpc, camp_engine):
    actor = make_actor(uid("org"))
    campaign_id = _sending_campaign(camp_engine, actor["org_id"], "paused", count=0)
    copy = camp_rpc.copy_campaign(make_actor(actor["org_id"], list_ids=["L2"]), campaign_id)
    assert copy["status"] == "draft" and copy["list_ids"] == [] and copy["id"] != campaign_id
    assert (copy["subject"], copy["text"], copy["name"]) == ("s", "t", "Held")


# One-to-one e-mails (E-3) ----------------------------------------------------------------------------------------

def test_a_one_to_one_email_goes_from_the_callers_address_to_a_visible_contact(camp_rpc, camp_engine, camp_relay):
    actor = make_actor(uid("org"), "u7", is_admin=False)
    tag = uid("s")
    mine, not_mine, no_email = seed(camp_engine, actor["org_id"], [
        {"email": f"{tag}@example.test", "rep1_id": "u7", "first_name": "Léa"},
        {"email": f"{tag}-hidden@example.test", "rep1_id": "u1"},
        {"email": None, "rep1_id": "u7"},
    ])
    sender = {"email": "rep@own-mailbox.example", "name": "Rep Seven"}
    body = {"subject": "Hello {{ first_name }}", "text": "See you, {{ first_name }}", "html": ""}
    with pytest.raises(NotFound):   # not visible: confirmed at the source (contacts), which does not know it
        camp_rpc.send_single_email(actor, not_mine, sender, body)
    with pytest.raises(Conflict) as caught:
        camp_rpc.send_single_email(actor, no_email, sender, body)
    assert caught.value.code == "contact_no_email"
    with pytest.raises(InvalidInput) as caught:
        camp_rpc.send_single_email(actor, mine, sender, {**body, "from_email": "boss@acme.example"})
    assert caught.value.errors == {"from_email": ["Unknown field."]}

    sent = camp_rpc.send_single_email(actor, mine, sender, body)
    assert (sent["kind"], sent["status"], sent["contact_id"], sent["from_email"], sent["name"]) == (
        "single", "sending", mine, "rep@own-mailbox.example", "Hello {{ first_name }}")
    eventually(lambda: camp_relay.to(f"{tag}@example.test"), timeout=20)
    message = camp_relay.to(f"{tag}@example.test")[0]
    assert message["From"].addresses[0].addr_spec == "rep@own-mailbox.example"
    assert "Léa" in message["Subject"]
    listed = camp_rpc.list_sent_emails(actor, {"kind": "single"})
    assert [item["id"] for item in listed["items"]] == [sent["id"]]
    # the sender's correspondence: another user of the organization does not read it; an administrator does
    colleague = make_actor(actor["org_id"], "u8", is_admin=False, all_contacts=True)
    with pytest.raises(NotFound):
        camp_rpc.get_campaign(colleague, sent["id"])
    assert camp_rpc.list_sent_emails(colleague, {})["total"] == 0
    assert camp_rpc.get_campaign(make_actor(actor["org_id"], "u9"), sent["id"])["id"] == sent["id"]
