"""The background sender (E-10) against a real relay (``camp_relay``, aiosmtpd) and real DNS (``camp_dns``): what the
relay received, counted by address, is the proof. Campaigns and their recipients are written into the database as
the campaigns area's send does (status 'sending', recipients 'queued'), so that each test controls its recipients;
pause and cancel are the status changes that area makes. An organization's own rate (``<prefix>campaigns:rate:<org>``
in Redis) slows a campaign down where a test needs time to act while it is being sent."""
import time
import uuid

import dkim
import dns.resolver
import pytest
import redis
import sqlalchemy as sa
from camp_domains_helpers import ready_domain

from carnet_campaigns.audience import repository as audience
from carnet_testing import eventually


def actor(org_id=None):
    return {"org_id": org_id or f"org-{uuid.uuid4().hex[:8]}", "user_id": f"user-{uuid.uuid4().hex[:8]}",
            "is_admin": True, "request_id": None, "list_ids": [], "language": "fr"}


@pytest.fixture(scope="module", autouse=True)
def running(camp_processes):
    """The services run (the sender is the campaigns service's timer), whichever test of the module runs alone."""
    return camp_processes


@pytest.fixture(scope="module")
def raw(camp_relay):
    """What the relay accepted as bytes with the time of arrival: ``[(monotonic, to, bytes)]`` (``SmtpRelay.raw``)."""
    return camp_relay.raw


@pytest.fixture(scope="module")
def rates(camp_env):
    client = redis.Redis.from_url(camp_env["REDIS_URL"], decode_responses=True)
    prefix = camp_env.get("CARNET_REDIS_PREFIX", "carnet:")

    def set_rate(org_id, per_second):
        client.set(f"{prefix}campaigns:rate:{org_id}", per_second)
    yield set_rate
    client.close()


def new_campaign(engine, *, count, org_id=None, from_email=None, html=None, text="", subject="Hello {{first_name}}",
                 emails=None, status="sending", reply_to=None):
    org_id = org_id or f"org-{uuid.uuid4().hex[:8]}"
    campaign_id = uuid.uuid4().hex
    stem = uuid.uuid4().hex[:10]
    emails = emails or [f"{stem}-{i}@example.test" for i in range(count)]
    from_email = from_email or "news@sender.test"
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO campaigns.campaigns (id, org_id, kind, name, status, subject, html, text, from_name, "
            "from_email, reply_to, created_by, started_at) VALUES (:id, :org, 'campaign', 'Test', :status, :subject, "
            ":html, :text, 'Acmé Inc', :from_email, :reply_to, 'user-1', now())"),
            {"id": campaign_id, "org": org_id, "status": status, "subject": subject, "from_email": from_email,
             "reply_to": reply_to, "text": text,
             "html": html if html is not None else '<p>Hi {{first_name}}, <a href="https://acme.test/offer?a=1&amp;b=2">'
                                                   'our offer</a> or <a href="mailto:help@acme.test">write</a>.</p>'})
        domain = from_email.rpartition("@")[2]
        connection.execute(sa.text(
            "INSERT INTO campaigns.recipients (id, org_id, campaign_id, contact_id, email, email_key, language, merge, "
            "message_id) SELECT id, :org, :campaign, 'contact-' || n, email, lower(email), "
            "CASE WHEN n % 2 = 1 THEN 'fr' ELSE 'en' END, jsonb_build_object('first_name', 'Ann' || n), "
            "'<' || id || '@' || :domain || '>' FROM (SELECT md5(random()::text || n) AS id, n, email FROM "
            "unnest(CAST(:emails AS text[])) WITH ORDINALITY AS e(email, n)) AS rows"),
            {"org": org_id, "campaign": campaign_id, "emails": emails, "domain": domain})
    return {"id": campaign_id, "org_id": org_id, "emails": emails}


def campaign_status(engine, campaign_id):
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT status FROM campaigns.campaigns WHERE id = :id"),
                                  {"id": campaign_id}).scalar()


def states(engine, campaign_id):
    with engine.connect() as connection:
        return dict(connection.execute(sa.text(
            "SELECT state, count(*) FROM campaigns.recipients WHERE campaign_id = :id GROUP BY state"),
            {"id": campaign_id}).all())


def recipient(engine, campaign_id, email):
    with engine.connect() as connection:
        return connection.execute(sa.text(
            "SELECT * FROM campaigns.recipients WHERE campaign_id = :id AND email = :email"),
            {"id": campaign_id, "email": email}).mappings().one()


def set_status(engine, campaign_id, status):
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE campaigns.campaigns SET status = :status WHERE id = :id"),
                           {"id": campaign_id, "status": status})
        if status == "cancelled":  # as the campaigns area's cancel does
            connection.execute(sa.text(
                "UPDATE campaigns.recipients SET state = 'cancelled' WHERE campaign_id = :id "
                "AND state IN ('queued', 'retry')"), {"id": campaign_id})


def finished(engine, campaign_id, timeout=20):
    return eventually(lambda: campaign_status(engine, campaign_id), lambda status: status == "sent",
                      timeout=timeout, what=f"campaign {campaign_id} sent")


def received_by(camp_relay, emails):
    wanted = {e.lower() for e in emails}
    counts = {}
    for message in camp_relay.received(lambda m: m["To"] and m["To"].addresses[0].addr_spec.lower() in wanted):
        address = message["To"].addresses[0].addr_spec.lower()
        counts[address] = counts.get(address, 0) + 1
    return counts


def test_a_campaign_is_sent_once_to_each_recipient_signed_with_its_domain(camp_rpc, camp_dns, camp_engine,
                                                                          camp_relay, raw):
    admin = actor()
    domain = ready_domain(camp_rpc, camp_dns, admin)
    campaign = new_campaign(camp_engine, count=3, org_id=admin["org_id"], from_email=f"news@{domain}",
                            reply_to=f"help@{domain}")
    finished(camp_engine, campaign["id"])
    assert received_by(camp_relay, campaign["emails"]) == {e: 1 for e in campaign["emails"]}
    assert states(camp_engine, campaign["id"]) == {"sent": 3}

    first = recipient(camp_engine, campaign["id"], campaign["emails"][0])  # language fr
    assert first["smtp_answer"].startswith("250") and first["sent_at"] and first["attempts"] == 1
    message = camp_relay.to(campaign["emails"][0])[0]
    assert message["Message-ID"] == first["message_id"]
    assert message["From"].addresses[0].addr_spec == f"news@{domain}"
    assert message["From"].addresses[0].display_name == "Acmé Inc"
    assert message["Reply-To"] == f"help@{domain}"
    assert message["Subject"] == "Hello Ann1"
    assert message["List-Unsubscribe"].startswith("<http://") and "/u/" in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "/t/c/" in html and "https://acme.test/offer" not in html  # the http(s) link goes through a click link
    assert 'href="mailto:help@acme.test"' in html  # mailto untouched
    assert "/t/o/" in html and ".gif" in html  # the open pixel
    assert "désabonnez-vous" in html and "désabonnez-vous" in text  # the recipient's language
    assert "unsubscribe" in camp_relay.to(campaign["emails"][1])[0].get_body(("plain",)).get_content()

    # DKIM verifies with the key the domain published, over the bytes as sent; RFC 8058's headers are signed
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = ["127.0.0.1"], camp_dns.port

    def dnsfunc(name, timeout=5):
        answer = resolver.resolve(name.decode().rstrip("."), "TXT", tcp=True)
        return b"".join(b"".join(record.strings) for record in answer)

    sent = [content for _, rcpt, content in raw if rcpt == (campaign["emails"][0],)]
    assert len(sent) == 1
    assert dkim.verify(sent[0], dnsfunc=dnsfunc)
    signature = dkim.DKIM(sent[0])
    signature.verify(dnsfunc=dnsfunc)
    signed = {h.lower() for h in signature.include_headers}
    assert {b"from", b"to", b"subject", b"date", b"message-id", b"list-unsubscribe",
            b"list-unsubscribe-post"} <= signed


def test_without_a_usable_domain_the_message_goes_unsigned(camp_engine, camp_relay, raw):
    campaign = new_campaign(camp_engine, count=1, from_email="someone@own-address.test")
    finished(camp_engine, campaign["id"])
    sent = [content for _, rcpt, content in raw if rcpt == (campaign["emails"][0],)]
    assert len(sent) == 1 and b"DKIM-Signature" not in sent[0]


def test_a_temporary_failure_is_retried_later_and_delivered_once(camp_engine, camp_relay):
    camp_relay.rcpt_answers.append("451 4.7.1 try again later")
    campaign = new_campaign(camp_engine, count=1)
    email = campaign["emails"][0]
    row = eventually(lambda: recipient(camp_engine, campaign["id"], email), lambda r: r["state"] == "retry",
                     what="retry after 451")
    assert row["attempts"] == 1 and "451" in row["last_error"]
    with camp_engine.connect() as connection:  # backoff: the first retry a minute later (CAMPAIGNS_RETRY_BASE)
        delay = connection.execute(sa.text("SELECT extract(epoch FROM next_attempt_at - now()) FROM "
                                           "campaigns.recipients WHERE id = :id"), {"id": row["id"]}).scalar()
    assert 30 < delay <= 60
    assert campaign_status(camp_engine, campaign["id"]) == "sending"
    with camp_engine.begin() as connection:  # the minute is over
        connection.execute(sa.text("UPDATE campaigns.recipients SET next_attempt_at = now() WHERE id = :id"),
                           {"id": row["id"]})
    finished(camp_engine, campaign["id"])
    row = recipient(camp_engine, campaign["id"], email)
    assert row["state"] == "sent" and row["attempts"] == 2
    assert received_by(camp_relay, [email]) == {email: 1}


def test_a_permanent_refusal_at_rcpt_is_a_bounce_and_the_address_is_suppressed(camp_engine, camp_relay):
    camp_relay.rcpt_answers.append("550 5.1.1 no such user")
    campaign = new_campaign(camp_engine, count=1)
    email = campaign["emails"][0]
    finished(camp_engine, campaign["id"])
    row = recipient(camp_engine, campaign["id"], email)
    assert row["state"] == "failed" and row["bounced_at"] is not None and "550" in row["last_error"]
    assert received_by(camp_relay, [email]) == {}
    with camp_engine.connect() as connection:
        assert audience.is_suppressed(connection, org_id=campaign["org_id"], email=email.upper())
        event = connection.execute(sa.text(
            "SELECT envelope FROM campaigns.outbox WHERE event_type = 'recipient_bounced' "
            "AND envelope -> 'data' ->> 'recipient_id' = :id"), {"id": row["id"]}).scalar()
    assert event["data"]["email"] == email and event["data"]["code"] == 550
    # a later campaign of the organization does not mail the address again
    again = new_campaign(camp_engine, count=1, org_id=campaign["org_id"], emails=[email])
    finished(camp_engine, again["id"])
    assert states(camp_engine, again["id"]) == {"suppressed": 1}
    assert received_by(camp_relay, [email]) == {}


def test_a_refusal_at_the_end_of_data_fails_without_suppressing(camp_engine, camp_relay):
    camp_relay.data_answers.append("554 5.7.1 content rejected")
    campaign = new_campaign(camp_engine, count=1)
    finished(camp_engine, campaign["id"])
    row = recipient(camp_engine, campaign["id"], campaign["emails"][0])
    assert row["state"] == "failed" and row["bounced_at"] is None and "554" in row["last_error"]
    with camp_engine.connect() as connection:
        assert not audience.is_suppressed(connection, org_id=campaign["org_id"], email=campaign["emails"][0])


def test_an_address_with_a_line_break_is_never_sent(camp_engine, camp_relay):
    evil = "victim@example.test\r\nBcc: intruder@example.test"
    stem = uuid.uuid4().hex[:8]
    good = f"{stem}@example.test"
    campaign = new_campaign(camp_engine, count=2, emails=[evil, good])
    finished(camp_engine, campaign["id"])
    row = recipient(camp_engine, campaign["id"], evil)
    assert row["state"] == "failed" and row["last_error"] == "invalid_address" and row["attempts"] == 0
    assert received_by(camp_relay, ["victim@example.test", "intruder@example.test"]) == {}
    assert received_by(camp_relay, [good]) == {good: 1}


def test_the_rate_of_an_organization_is_respected(camp_engine, rates, raw):
    org_id = f"org-{uuid.uuid4().hex[:8]}"
    rates(org_id, 20)  # 20 a second, a burst of 20: 40 messages take at least a second
    campaign = new_campaign(camp_engine, count=40, org_id=org_id)
    finished(camp_engine, campaign["id"])
    wanted = set(campaign["emails"])
    times = sorted(at for at, rcpt, _ in raw if rcpt[0] in wanted)
    assert len(times) == 40
    assert times[-1] - times[0] >= 0.9


def test_pause_stops_sending_and_resume_sends_the_rest_once(camp_engine, camp_relay, rates):
    org_id = f"org-{uuid.uuid4().hex[:8]}"
    rates(org_id, 20)
    campaign = new_campaign(camp_engine, count=60, org_id=org_id)
    eventually(lambda: states(camp_engine, campaign["id"]).get("sent", 0), lambda n: n >= 25, what="25 sent")
    set_status(camp_engine, campaign["id"], "paused")
    # within one message per sender the claimed rows go back to the queue: nothing is 'sending' any more
    paused = eventually(lambda: states(camp_engine, campaign["id"]), lambda s: "sending" not in s,
                        what="claims given back")
    sent = paused.get("sent", 0)
    assert sent < 60 and paused.get("queued", 0) + paused.get("retry", 0) == 60 - sent
    assert sum(received_by(camp_relay, campaign["emails"]).values()) == sent
    set_status(camp_engine, campaign["id"], "sending")
    finished(camp_engine, campaign["id"])
    assert received_by(camp_relay, campaign["emails"]) == {e: 1 for e in campaign["emails"]}


def test_cancel_stops_sending_for_good(camp_engine, camp_relay, rates):
    org_id = f"org-{uuid.uuid4().hex[:8]}"
    rates(org_id, 20)
    campaign = new_campaign(camp_engine, count=60, org_id=org_id)
    eventually(lambda: states(camp_engine, campaign["id"]).get("sent", 0), lambda n: n >= 25, what="25 sent")
    set_status(camp_engine, campaign["id"], "cancelled")
    after = eventually(lambda: states(camp_engine, campaign["id"]), lambda s: "sending" not in s and "queued" not in s,
                       what="cancelled")
    assert set(after) <= {"sent", "cancelled"} and after["cancelled"] > 0
    assert sum(received_by(camp_relay, campaign["emails"]).values()) == after["sent"]
    assert campaign_status(camp_engine, campaign["id"]) == "cancelled"  # never finished as 'sent'


def test_no_message_after_an_unsubscribe_commits(camp_engine, camp_rpc, camp_relay, rates):
    org_id = f"org-{uuid.uuid4().hex[:8]}"
    rates(org_id, 20)
    campaign = new_campaign(camp_engine, count=60, org_id=org_id)
    eventually(lambda: states(camp_engine, campaign["id"]).get("sent", 0), lambda n: n >= 10, what="10 sent")
    with camp_engine.connect() as connection:
        waiting = connection.execute(sa.text(
            "SELECT id, email FROM campaigns.recipients WHERE campaign_id = :id AND state IN ('queued', 'sending') "
            "AND in_flight_at IS NULL ORDER BY state, id DESC LIMIT 10"),  # claimed (or not yet), not handed over
            {"id": campaign["id"]}).all()
    unsubscribed = {}
    for recipient_id, email in waiting:  # the one-click unsubscribe of each (engagement's RPC)
        camp_rpc.unsubscribe(recipient_id, "one_click")
        unsubscribed[email] = time.time()
    finished(camp_engine, campaign["id"])
    final = states(camp_engine, campaign["id"])
    assert final.get("suppressed", 0) >= 1
    for email, at in unsubscribed.items():
        row = recipient(camp_engine, campaign["id"], email)
        if row["state"] == "sent":  # claimed and handed to SMTP in the instant before the unsubscribe committed
            assert row["sent_at"].timestamp() <= at + 0.05
        else:
            assert row["state"] == "suppressed"
            assert received_by(camp_relay, [email]) == {}
    others = [e for e in campaign["emails"] if e not in unsubscribed]
    assert received_by(camp_relay, others) == {e: 1 for e in others}


def test_a_crash_mid_campaign_sends_no_message_twice(camp_engine, camp_relay, camp_processes):
    campaign = new_campaign(camp_engine, count=1000)
    eventually(lambda: states(camp_engine, campaign["id"]).get("sent", 0), lambda n: n >= 200, timeout=30,
               interval=0.02, what="200 sent")
    process = camp_processes.running["campaigns"]
    process.kill()  # SIGKILL: no goodbye, claims left 'sending'
    process.wait()
    at_crash = states(camp_engine, campaign["id"])
    with camp_engine.begin() as connection:  # the lease (CAMPAIGNS_LEASE_SECONDS) runs out while it is down
        connection.execute(sa.text("UPDATE campaigns.recipients SET claimed_until = now() - interval '1 second' "
                                   "WHERE campaign_id = :id AND state = 'sending'"), {"id": campaign["id"]})
    camp_processes.start("campaigns")
    camp_processes.wait_answering("campaigns")
    finished(camp_engine, campaign["id"], timeout=60)
    final = states(camp_engine, campaign["id"])
    counts = received_by(camp_relay, campaign["emails"])
    assert max(counts.values()) == 1  # nobody got two
    with camp_engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT email, state, in_doubt FROM campaigns.recipients "
                                          "WHERE campaign_id = :id"), {"id": campaign["id"]}).all()
    in_doubt = [row.email for row in rows if row.in_doubt]
    for row in rows:
        if not row.in_doubt:  # every recipient not in doubt got exactly one
            assert row.state == "sent" and counts.get(row.email.lower()) == 1, row
    assert len(in_doubt) <= 4  # at most one per sender of the killed process
    print(f"\ncrash: at kill {at_crash}; final {final}; in doubt {len(in_doubt)} "
          f"(received {sum(counts.get(e.lower(), 0) for e in in_doubt)})")



def test_a_message_that_cannot_be_built_fails_alone(camp_engine, camp_relay):
    campaign = new_campaign(camp_engine, count=3)
    with camp_engine.begin() as connection:  # merge values that are not an object: compose raises
        connection.execute(sa.text("UPDATE campaigns.recipients SET merge = '[1, 2]'::jsonb WHERE campaign_id = :id "
                                   "AND email = :email"), {"id": campaign["id"], "email": campaign["emails"][1]})
    finished(camp_engine, campaign["id"])
    row = recipient(camp_engine, campaign["id"], campaign["emails"][1])
    assert row["state"] == "failed" and row["last_error"].startswith("compose_error")
    others = [campaign["emails"][0], campaign["emails"][2]]
    assert received_by(camp_relay, others) == {e: 1 for e in others}


@pytest.mark.parametrize("resend", [False, True])
def test_expired_claims_are_settled_by_what_reached_the_relay(camp_engine, resend):
    """What a dead sender left: rows never handed over go back (or are cancelled with their campaign), rows in flight
    are in doubt: failed (at most once) or, ``CAMPAIGNS_IN_DOUBT=resend``, due again with their Message-ID."""
    from carnet_campaigns.sending import repository

    paused = new_campaign(camp_engine, count=3, status="paused")  # paused: the running sender leaves them alone
    cancelled = new_campaign(camp_engine, count=1, status="cancelled")
    with camp_engine.begin() as connection:  # one transaction: the service's own sweep never sees them expired
        connection.execute(sa.text(
            "UPDATE campaigns.recipients SET state = 'sending', claimed_by = 'dead', claimed_until = now() - "
            "interval '1 second', attempts = CASE WHEN email = :flight THEN 1 ELSE 0 END, in_flight_at = CASE WHEN "
            "email = :flight THEN now() END WHERE campaign_id IN (:a, :b)"),
            {"a": paused["id"], "b": cancelled["id"], "flight": paused["emails"][0]})
        counts = repository.recover_expired(connection, resend_in_doubt=resend)
        rows = {row.email: row for row in connection.execute(sa.text(
            "SELECT email, state, in_doubt, last_error, claimed_by, in_flight_at FROM campaigns.recipients "
            "WHERE campaign_id IN (:a, :b)"), {"a": paused["id"], "b": cancelled["id"]})}
    in_flight = rows[paused["emails"][0]]
    assert in_flight.in_doubt and in_flight.last_error == "in_doubt" and in_flight.in_flight_at is None
    assert in_flight.state == ("retry" if resend else "failed")
    assert [rows[e].state for e in paused["emails"][1:]] == ["queued", "queued"]
    assert rows[cancelled["emails"][0]].state == "cancelled"
    assert all(row.claimed_by is None for row in rows.values())
    assert sum(counts.values()) == 4
